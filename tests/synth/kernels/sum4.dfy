// A counted loop over a fixed-length array: unrolled into a pipelined function.
function SumTo(a: seq<int>, n: nat): int
  requires n <= |a|
{
  if n == 0 then 0 else SumTo(a, n - 1) + a[n - 1]
}

method Sum4(a: array<int>) returns (s: int)
  requires a.Length == 4
  requires forall k :: 0 <= k < a.Length ==> -128 <= a[k] < 128
  ensures s == SumTo(a[..], 4)
{
  s := 0;
  var i := 0;
  while i < 4
    invariant 0 <= i <= 4
    invariant s == SumTo(a[..], i)
    invariant -128 * i <= s <= 127 * i
  {
    s := s + a[i];
    i := i + 1;
  }
}
