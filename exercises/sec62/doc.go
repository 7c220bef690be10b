// Package sec62 holds the exercises of section 6.2 (图像卷积, image convolution):
// diagonal edges, cross-correlation as a matrix product, and hand-designed kernels.
// All matrices are plain [][]float32 ([rows][cols]); see package grid.
package sec62
