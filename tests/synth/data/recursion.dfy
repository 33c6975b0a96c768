function method Tri(n: int): int
  requires 0 <= n <= 100
{
  if n == 0 then 0 else n + Tri(n - 1)
}

method Triangle(n: int) returns (t: int)
  requires 0 <= n <= 100
  ensures t == Tri(n)
{
  t := Tri(n);
}

function method SumFrom(a: array<int>, i: int): int
  requires 0 <= i <= a.Length
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] <= 255
  reads a
  decreases a.Length - i
{
  if i == a.Length then 0 else a[i] + SumFrom(a, i + 1)
}

method Sum(a: array<int>) returns (s: int)
  requires a.Length <= 16
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] <= 255
  ensures s == SumFrom(a, 0)
{
  s := SumFrom(a, 0);
}

// the pending work differs by level (a let, a branch on the argument): the way up re-runs the
// same guards with the arguments restored from the stack
function method Count(s: string, c: char, i: int): int
  requires 0 <= i <= |s|
  decreases |s| - i
{
  if i == |s| then 0
  else var hit := if s[i] == c then 1 else 0;
    if s[i] == '#' then 2 * hit + Count(s, c, i + 1) else hit + Count(s, c, i + 1)
}

method CountChar(s: string, c: char) returns (n: int)
  requires |s| <= 12
{
  n := Count(s, c, 0);
}
