// Package draw makes the pictures of the chapter from numbers: diagrams of the
// book's figures (cross-correlation, padding, stride, channels, 1×1
// convolution, pooling) and heat maps of matrices (images, responses, feature
// maps, kernels), plots (LinePlot, Images) and bar charts (Bars: the grader's
// class statistics). Nothing is pasted: every cell, every highlighted window and
// every written-out sum is computed here with plain loops from the values given.
//
// A picture is a *Figure. In a GoNB notebook, Show displays it inline:
//
//	draw.Show(draw.Corr2D(X, K))                       // figure 6.2.1
//	draw.Show(draw.Corr2D(X, K, draw.Padding(1, 1)))   // figure 6.3.1
//	draw.Show(draw.HeatMap(Y, draw.Title("Y")))        // a response as an image
//
// Outside a notebook Show does nothing, unless the environment variable
// D2L_DRAW_DIR names a folder: then each figure is written there as a file.
//
// Matrices are passed as nested slices of any numeric type ([][]float64,
// [][]float32, [][]int, ...) or as anything with a `Value() any` method that
// returns one, such as a GoMLX *tensors.Tensor. Leading dimensions of size 1
// are dropped, so a [1,1,h,w] tensor counts as an [h,w] matrix.
//
// Bad input (ragged rows, a kernel larger than the padded input, stride < 1,
// ...) panics with a one-line *d2l.Error naming the function, the argument, what
// was given and what was expected (d2l.Try turns it into an error). Writing files
// (Figure.Save, Show with $D2L_DRAW_DIR) returns the file system's errors.
package draw
