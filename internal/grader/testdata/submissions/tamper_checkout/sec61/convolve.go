package sec61

import "io/fs"

// tamper is the shape of the attack that rewrote the checkout's tests of
// another section into empty passing tests; io/fs is not allowed.
var tamper fs.FileMode

// Convolve2D is not solved.
func Convolve2D(f, g [][]float32) [][]float32 { return nil }
