// For the e2e test's failed synthesis: Halve verifies, but real numbers are not hardware (HW105),
// so a synthesis of it fails in the front end.
method Halve(x: int) returns (y: real)
  requires 0 <= x < 16
  ensures y * 2.0 == x as real
{
  y := x as real / 2.0;
}
