method M( {
