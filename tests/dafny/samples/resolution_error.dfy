method M() { var x := y; }
