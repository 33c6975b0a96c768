method Max(a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
{
  m := a;
}

method Ok(x: int) returns (y: int) ensures y == x + 1 { y := x + 1; }

function Sq(x: int): int { x * x }
