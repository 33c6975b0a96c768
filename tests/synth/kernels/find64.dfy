// Linear search with an early return over up to 64 elements: too many trips to unroll, so a
// state machine that keeps the array in registers.
method Find(a: array<int>, key: int) returns (idx: int)
  requires a.Length <= 64
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 16
  requires 0 <= key < 16
  ensures -1 <= idx < a.Length
  ensures idx >= 0 ==> a[idx] == key
  ensures idx < 0 ==> forall k :: 0 <= k < a.Length ==> a[k] != key
{
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant forall k :: 0 <= k < i ==> a[k] != key
  {
    if a[i] == key {
      return i;
    }
    i := i + 1;
  }
  return -1;
}
