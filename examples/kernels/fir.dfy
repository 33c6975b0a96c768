// A 4-tap FIR filter step: y = sum of c[k] * x[k] over signed 8-bit taps and samples.

function Dot(c: seq<int>, x: seq<int>, n: nat): int
  requires n <= |c| && n <= |x|
{
  if n == 0 then 0 else Dot(c, x, n - 1) + c[n - 1] * x[n - 1]
}

method Fir4(c: array<int>, x: array<int>) returns (y: int)
  requires c.Length == 4 && x.Length == 4
  requires forall k :: 0 <= k < 4 ==> -128 <= c[k] < 128
  requires forall k :: 0 <= k < 4 ==> -128 <= x[k] < 128
  ensures y == Dot(c[..], x[..], 4)
{
  y := 0;
  for k := 0 to 4
    invariant y == Dot(c[..], x[..], k)
  {
    y := y + c[k] * x[k];
  }
}
