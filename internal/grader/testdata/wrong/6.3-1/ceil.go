// A plausible wrong answer to exercise 6.3-1: the division rounded up instead of down.
// internal/grader/wrong_test.go checks that the public tests catch it.

package sec63

// ConvOutputShape returns the output [oh, ow] of a convolution over an [h][w]
// input with a [kh][kw] kernel, padding ph/pw on EACH side and strides sh/sw:
// oh = ⌊(h + 2·ph − kh)/sh⌋ + 1 (likewise ow).
// Example: the section's last example, ConvOutputShape(8, 8, 3, 5, 0, 1, 3, 4) = (2, 2).
func ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw int) (oh, ow int) {
	// BEGIN SOLUTION
	return (h+2*ph-kh+sh-1)/sh + 1, (w+2*pw-kw+sw-1)/sw + 1
	// END SOLUTION
}
