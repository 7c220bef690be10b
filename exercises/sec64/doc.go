// Package sec64 holds the exercises of section 6.4 (多输入多输出通道, multiple
// input and output channels): composing kernels, the cost of a convolution,
// and convolutions as matrix products. Images are [c][h][w], kernel banks
// [co][ci][kh][kw]; padding is per side.
package sec64
