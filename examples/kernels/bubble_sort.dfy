// Bubble sort of at most 16 bytes, in place.

predicate Sorted(a: array<int>, lo: int, hi: int)
  requires 0 <= lo <= hi <= a.Length
  reads a
{
  forall i, j :: lo <= i < j < hi ==> a[i] <= a[j]
}

method BubbleSort(a: array<int>)
  requires a.Length <= 16
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 256
  modifies a
  ensures Sorted(a, 0, a.Length)
  ensures multiset(a[..]) == multiset(old(a[..]))
{
  var n := a.Length;
  while n > 1
    invariant 0 <= n <= a.Length
    invariant Sorted(a, n, a.Length)
    invariant forall i, j :: 0 <= i < n <= j < a.Length ==> a[i] <= a[j]
    invariant multiset(a[..]) == multiset(old(a[..]))
    decreases n
  {
    var j := 0;
    while j < n - 1
      invariant 0 <= j <= n - 1
      invariant forall k :: 0 <= k <= j ==> a[k] <= a[j]
      invariant Sorted(a, n, a.Length)
      invariant forall i, k :: 0 <= i < n <= k < a.Length ==> a[i] <= a[k]
      invariant multiset(a[..]) == multiset(old(a[..]))
      decreases n - 1 - j
    {
      if a[j] > a[j + 1] {
        a[j], a[j + 1] := a[j + 1], a[j];
      }
      j := j + 1;
    }
    n := n - 1;
  }
}
