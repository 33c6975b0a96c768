// b[k] := max(a[k], b[k]) over two arrays of up to 256 x 16 bits: one read-only, one modified in
// place, each 4 Kbit, so both map to block RAM (issue #13: more than one RAM in one design).
method MaxInto(a: array<int>, b: array<int>)
  requires a != b
  requires a.Length == b.Length <= 256
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 65536
  requires forall k :: 0 <= k < b.Length ==> 0 <= b[k] < 65536
  modifies b
  ensures forall k :: 0 <= k < b.Length ==> b[k] == if a[k] > old(b[k]) then a[k] else old(b[k])
{
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant forall k :: 0 <= k < i ==> b[k] == if a[k] > old(b[k]) then a[k] else old(b[k])
    invariant forall k :: i <= k < b.Length ==> b[k] == old(b[k])
    invariant forall k :: 0 <= k < b.Length ==> 0 <= b[k] < 65536
  {
    if a[i] > b[i] {
      b[i] := a[i];
    }
    i := i + 1;
  }
}
