// Binary search in a sorted array of at most 1024 16-bit values; -1 when the key is absent.

method BinarySearch(a: array<int>, key: int) returns (idx: int)
  requires a.Length <= 1024
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 65536
  requires 0 <= key < 65536
  requires forall i, j :: 0 <= i < j < a.Length ==> a[i] <= a[j]
  ensures -1 <= idx < a.Length
  ensures idx >= 0 ==> a[idx] == key
  ensures idx == -1 ==> forall k :: 0 <= k < a.Length ==> a[k] != key
{
  var lo, hi := 0, a.Length;
  idx := -1;
  while lo < hi
    invariant 0 <= lo <= hi <= a.Length
    invariant idx == -1
    invariant forall k :: 0 <= k < lo ==> a[k] < key
    invariant forall k :: hi <= k < a.Length ==> a[k] > key
    decreases hi - lo
  {
    var mid := lo + (hi - lo) / 2;
    if a[mid] < key {
      lo := mid + 1;
    } else if a[mid] > key {
      hi := mid;
    } else {
      idx := mid;
      return;
    }
  }
}
