// Dot product of two vectors of at most 8 signed 8-bit elements.

function Dot(a: seq<int>, b: seq<int>, n: nat): int
  requires n <= |a| && n <= |b|
{
  if n == 0 then 0 else Dot(a, b, n - 1) + a[n - 1] * b[n - 1]
}

method DotProduct(a: array<int>, b: array<int>) returns (d: int)
  requires a.Length == b.Length && a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -128 <= a[k] < 128
  requires forall k :: 0 <= k < b.Length ==> -128 <= b[k] < 128
  ensures d == Dot(a[..], b[..], a.Length)
{
  d := 0;
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant d == Dot(a[..], b[..], i)
  {
    d := d + a[i] * b[i];
    i := i + 1;
  }
}
