// Two methods for the e2e test: Clamp is hardware already (its input is bounded); Double takes an
// unbounded `int`, so it verifies but is not hardware until the quick fix adds a 32-bit bound.
method Clamp(x: int) returns (y: int)
  requires 0 <= x < 1024
  ensures 0 <= y < 256
{
  if x > 255 { y := 255; } else { y := x; }
}

method Double(x: int) returns (y: int)
  ensures y == x + x
{
  y := x + x;
}
