lemma Fermat3(x: int, y: int, z: int)
  requires x > 0 && y > 0 && z > 0
  ensures x*x*x + y*y*y != z*z*z
{
}
