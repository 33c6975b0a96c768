// Linear non-tail recursion of methods: each runs as the function it computes, on a stack.

// multiplication by repeated addition (the recursive call's result is used after it returns)
method Mult(x: int, y: int) returns (r: int)
  requires 0 <= x < 16 && 0 <= y < 1000
  decreases x
  ensures r == x * y
{
  if x == 0 {
    r := 0;
  } else {
    var z := Mult(x - 1, y);
    r := z + y;
  }
}

// `return e` on each path, and a bound variable between the call and the result
method AddUp(n: nat, m: nat) returns (res: nat)
  requires n <= 20 && m <= 100
  decreases n
  ensures res == n + m
{
  if n == 0 {
    return m;
  } else {
    var aux := AddUp(n - 1, m);
    return 1 + aux;
  }
}

function Count(a: seq<int>, k: int): int
  requires 0 <= k <= |a|
{
  if k == 0 then 0 else Count(a, k - 1) + (if a[k - 1] % 2 == 0 then 1 else 0)
}

// counting even elements of an array, with the call in a branch and asserts along the way
method CountEven(a: array<int>, k: int) returns (c: int)
  requires 0 <= k <= a.Length <= 12
  requires forall i :: 0 <= i < a.Length ==> -1000 <= a[i] <= 1000
  decreases k
  ensures c == Count(a[..], k)
{
  if k == 0 {
    c := 0;
  } else {
    var rest := CountEven(a, k - 1);
    assert rest == Count(a[..], k - 1);
    var even := if a[k - 1] % 2 == 0 then 1 else 0;
    c := rest + even;
  }
}
