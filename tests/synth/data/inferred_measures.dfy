// Non-tail recursion with no `decreases` clause: the stack's measure is inferred and proven.

// `m` is passed on unchanged: Dafny's default measure (n, m) says nothing about n alone, so
// hardware states `decreases n` and Dafny proves it
method AddUp(n: nat, m: nat) returns (res: nat)
  requires n <= 20 && m <= 100
  ensures res == n + m
{
  if n == 0 {
    return m;
  } else {
    var aux := AddUp(n - 1, m);
    return 1 + aux;
  }
}

// the way up reads `n`: it is stacked (`k` is passed on unchanged)
function method Weighted(n: nat, k: nat): nat
  requires n <= 12 && k <= 50
{
  if n == 0 then 0 else n + k + Weighted(n - 1, k)
}

method WeightedSum(n: nat, k: nat) returns (r: nat)
  requires n <= 12 && k <= 50
{
  r := Weighted(n, k);
}

// two parameters change; only `y` is counted down (`y - 1`) at every call
function method Steps(y: nat, x: int): int
  requires y <= 8 && 0 <= x <= 100
{
  if y == 0 then x else x + Steps(y - 1, 100 - x)
}

method Walk(x: int, y: nat) returns (r: int)
  requires 0 <= x <= 100 && y <= 8
{
  r := Steps(y, x);
}

// `k` starts at 0 and cycles through 0..3: the stack holding it is bounded by the precondition
// (every element is an argument some call was made with), not by widening its stores
function method Rot(n: nat, k: nat): nat
  requires n <= 10 && k <= 3
{
  if n == 0 then 0 else k + Rot(n - 1, (k + 1) % 4)
}

method Rotations(n: nat) returns (r: nat)
  requires n <= 10
{
  r := Rot(n, 0);
}

// Dafny's default measure (k, n) includes the ghost `k`, which is what drops; the inferred
// measure `n` grows: Dafny refutes it and nothing is built
function method Up(ghost k: nat, n: int): int
  requires 0 <= n <= 10 && k == 10 - n
{
  if n == 10 then 0 else 1 + Up(k - 1, n + 1)
}

method CountUp(n: int) returns (r: int)
  requires 0 <= n <= 10
{
  r := Up(10 - n, n);
}

// a product, not a sum, on the way up: its range per level of recursion is a table Dafny proves
function method Power(base: int, e: nat): int
  requires -10 <= base <= 10 && e <= 6
{
  if e == 0 then 1 else base * Power(base, e - 1)
}

method Pow(b: int, e: nat) returns (r: int)
  requires -10 <= b <= 10 && e <= 6
{
  r := Power(b, e);
}

function method Factorial(n: nat): nat
{
  if n == 0 then 1 else n * Factorial(n - 1)
}

method FactorialOfLastDigit(n: nat) returns (f: nat)
  requires n < 100000
  ensures f == Factorial(n % 10)
{
  f := Factorial(n % 10);
}
