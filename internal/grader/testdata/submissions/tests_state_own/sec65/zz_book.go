package sec65

// The sec65 attack of issue 20, made to compile: declare the tests' input
// bookX in the student's package and change it before any test runs. The
// tests compute their inputs themselves: nothing they read is here.
var bookX = [][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}

func init() { bookX[0][0] = 100 }
