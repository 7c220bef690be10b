// A plausible wrong answer to exercise 6.5-3: ph·pw comparisons per window instead of ph·pw − 1.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec65

// MaxPoolComparisons returns how many comparisons a max-pooling layer makes on a
// [c][h][w] input with a ph×pw window, padding padh/padw per side and strides
// sh/sw: every output element compares ph·pw values, i.e. ph·pw − 1 comparisons.
// Example: MaxPoolComparisons(1, 4, 4, 2, 2, 0, 0, 2, 2) = 4·3 = 12.
func MaxPoolComparisons(c, h, w, ph, pw, padh, padw, sh, sw int) int {
	// BEGIN SOLUTION
	oh, ow := (h+2*padh-ph)/sh+1, (w+2*padw-pw)/sw+1
	return c * oh * ow * ph * pw
	// END SOLUTION
}
