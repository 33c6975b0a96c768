// Sum of up to 16 bytes: the accumulator needs 12 bits, and Dafny proves it.

function SumTo(s: seq<int>, n: nat): int
  requires n <= |s|
{
  if n == 0 then 0 else SumTo(s, n - 1) + s[n - 1]
}

method Sum(a: array<int>) returns (s: int)
  requires a.Length <= 16
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 256
  ensures s == SumTo(a[..], a.Length)
{
  s := 0;
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant s == SumTo(a[..], i)
  {
    s := s + a[i];
    i := i + 1;
  }
}
