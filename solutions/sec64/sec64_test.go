package sec64_test

import (
	"testing"

	"github.com/d2l-go/d2l-go/solutions/grid"
	"github.com/d2l-go/d2l-go/solutions/sec64"
	"github.com/d2l-go/d2l-go/solutions/testutil"
	"github.com/stretchr/testify/require"
)

// TestComposeKernels_Shape checks the size k1 + k2 − 1 in both directions.
//
//d2l:test 6.4-1 points=1
func TestComposeKernels_Shape(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(641)
	got := sec64.ComposeKernels(testutil.Rand2D(r, 2, 3), testutil.Rand2D(r, 3, 1))
	testutil.ShapeIs(t, got, 4, 3, "ComposeKernels(K1 [2 3], K2 [3 1])")
}

// TestComposeKernels_Values checks that one corr2d with the composed kernel
// equals two corr2d in a row, on a ramp image and on a random image with
// kernels that are not symmetric (where convolution and cross-correlation differ).
//
//d2l:test 6.4-1 points=2
func TestComposeKernels_Values(t *testing.T) {
	defer testutil.Catch(t)
	X := grid.Zeros(6, 7)
	for i := range X {
		for j := range X[i] {
			X[i][j] = float32(i*7 + j)
		}
	}
	K1 := testutil.Matrix([]float64{1, -1})
	K2 := testutil.Matrix([]float64{0, 1}, []float64{2, 3})
	want := grid.Corr2D(grid.Corr2D(X, K1), K2)
	got := grid.Corr2D(X, sec64.ComposeKernels(K1, K2))
	testutil.Close2D(t, want, got, 1e-5, "corr2d(X, ComposeKernels(K1, K2))")

	r := testutil.Rng(6411)
	X, K1, K2 = testutil.Rand2D(r, 7, 8), testutil.Rand2D(r, 2, 3), testutil.Rand2D(r, 3, 2)
	want = grid.Corr2D(grid.Corr2D(X, K1), K2)
	got = grid.Corr2D(X, sec64.ComposeKernels(K1, K2))
	testutil.Close2D(t, want, got, 1e-4, "random X [7 8], K1 [2 3], K2 [3 2]: "+
		"corr2d(X, ComposeKernels(K1, K2)) vs corr2d(corr2d(X, K1), K2) (is K2 flipped?)")
}

// TestConvForwardCost checks the book's multi-channel example (2×3×3 input, 3×2×2×2 kernels)
// and a case with padding and strides.
//
//d2l:test 6.4-2 points=2
func TestConvForwardCost(t *testing.T) {
	defer testutil.Catch(t)
	got := sec64.ConvForwardCost(2, 3, 3, 3, 2, 2, 0, 0, 1, 1)
	want := sec64.ConvCost{Mults: 96, Adds: 84, InputFloats: 18, WeightFloats: 24, OutputFloats: 12}
	require.Equal(t, want, got, "ConvForwardCost(2, 3, 3, 3, 2, 2, 0, 0, 1, 1)")
	// 3×8×7 input, 4×3×3×2 kernels, padding (1, 2), stride (2, 3): the output is
	// 4 × (⌊(8+2−3)/2⌋+1) × (⌊(7+4−2)/3⌋+1) = 4×4×4, each of its 64 values 3·3·2 = 18 products.
	got = sec64.ConvForwardCost(3, 8, 7, 4, 3, 2, 1, 2, 2, 3)
	want = sec64.ConvCost{
		Mults: 64 * 18, Adds: 64 * 17,
		InputFloats: 168, WeightFloats: 72, OutputFloats: 64,
	}
	require.Equal(t, want, got, "ConvForwardCost(3, 8, 7, 4, 3, 2, 1, 2, 2, 3): "+
		"output 4×4×4 (padding on both sides, then the stride)")
}

// TestCostGrowth checks that doubling the channels quadruples the work and how
// doubling the padding grows it (the output grows by 2p in each direction).
//
//d2l:test 6.4-3 points=1
func TestCostGrowth(t *testing.T) {
	defer testutil.Catch(t)
	ch, pad := sec64.CostGrowth(3, 32, 32, 8, 3, 3, 1, 1, 1, 1)
	require.InDelta(t, 4.0, ch, 1e-9,
		"CostGrowth(3, 32, 32, 8, 3, 3, 1, 1, 1, 1): doubling ci and co")
	require.InDelta(t, 34.0*34/(32*32), pad, 1e-9,
		"CostGrowth(3, 32, 32, 8, 3, 3, 1, 1, 1, 1): doubling the padding, output 32×32 -> 34×34")
	_, pad = sec64.CostGrowth(1, 10, 6, 1, 5, 3, 2, 0, 1, 1)
	require.InDelta(t, 14.0*4/(10*4), pad, 1e-9,
		"CostGrowth(1, 10, 6, 1, 5, 3, 2, 0, 1, 1): doubling the padding, output 10×4 -> 14×4")
}

// TestCorr2DMultiInOutMatMul checks the book's example (stack of K, K+1, K+2).
//
//d2l:test 6.4-6 points=2
func TestCorr2DMultiInOutMatMul(t *testing.T) {
	defer testutil.Catch(t)
	X := [][][]float32{
		testutil.Matrix([]float64{0, 1, 2}, []float64{3, 4, 5}, []float64{6, 7, 8}),
		testutil.Matrix([]float64{1, 2, 3}, []float64{4, 5, 6}, []float64{7, 8, 9}),
	}
	K := make([][][][]float32, 3)
	for o := range K {
		K[o] = [][][]float32{
			testutil.Matrix(
				[]float64{float64(o), float64(o + 1)},
				[]float64{float64(o + 2), float64(o + 3)},
			),
			testutil.Matrix(
				[]float64{float64(o + 1), float64(o + 2)},
				[]float64{float64(o + 3), float64(o + 4)},
			),
		}
	}
	want := [][][]float32{
		testutil.Matrix([]float64{56, 72}, []float64{104, 120}),
		testutil.Matrix([]float64{76, 100}, []float64{148, 172}),
		testutil.Matrix([]float64{96, 128}, []float64{192, 224}),
	}
	testutil.Close3D(t, want, sec64.Corr2DMultiInOutMatMul(X, K), 0, "Corr2DMultiInOutMatMul(X, K)")

	// A kernel that is not square, on random values.
	r := testutil.Rng(646)
	X, K = testutil.Rand3D(r, 2, 5, 6), testutil.Rand4D(r, 3, 2, 2, 3)
	want = make([][][]float32, 3)
	for o := range want {
		want[o] = grid.Zeros(4, 4)
		for c := range X {
			y := grid.Corr2D(X[c], K[o][c])
			for i := range y {
				for j := range y[i] {
					want[o][i][j] += y[i][j]
				}
			}
		}
	}
	testutil.Close3D(t, want, sec64.Corr2DMultiInOutMatMul(X, K), 1e-4,
		"random X [2 5 6], K [3 2 2 3] (kh = 2, kw = 3)")
}

// conv1x1 applies a 1×1 convolution layer to X [ci][h][w]: at every pixel the
// weights W [co][ci] times the channel vector, plus the biases b [co].
func conv1x1(X [][][]float32, W [][]float32, b []float32) [][][]float32 {
	Y := make([][][]float32, len(W))
	for o := range W {
		Y[o] = grid.Zeros(len(X[0]), len(X[0][0]))
		for i := range Y[o] {
			for j := range Y[o][i] {
				s := b[o]
				for c := range X {
					s += W[o][c] * X[c][i][j]
				}
				Y[o][i][j] = s
			}
		}
	}
	return Y
}

// TestFuseConv1x1 checks the question's example, then that the fused layer computes
// what the two layers compute one after the other on an image with c0 = 3, c1 = 2, c2 = 4.
//
//d2l:test 6.4-7 points=2
func TestFuseConv1x1(t *testing.T) {
	defer testutil.Catch(t)
	W, b := sec64.FuseConv1x1(testutil.Matrix([]float64{1, 0}, []float64{0, 2}), []float32{1, 1},
		testutil.Matrix([]float64{1, 1}), []float32{3})
	const example = "FuseConv1x1(W1 = [[1 0] [0 2]], b1 = [1 1], W2 = [[1 1]], b2 = [3])"
	testutil.Close2D(t, testutil.Matrix([]float64{1, 2}), W, 0, example+": W")
	testutil.Close1D(t, []float32{5}, b, 0, example+": b")

	X := [][][]float32{
		testutil.Matrix([]float64{0, 1, 2}, []float64{3, 4, 5}),
		testutil.Matrix([]float64{1, -1, 0}, []float64{2, 0, -2}),
		testutil.Matrix([]float64{5, 4, 3}, []float64{2, 1, 0}),
	}
	W1, b1 := testutil.Matrix([]float64{1, 2, 0}, []float64{-1, 0, 1}), []float32{1, -2}
	W2 := testutil.Matrix([]float64{1, 1}, []float64{2, -1}, []float64{0, 3}, []float64{-1, 0})
	b2 := []float32{0, 1, -1, 2}
	W, b = sec64.FuseConv1x1(W1, b1, W2, b2)
	testutil.ShapeIs(t, W, 4, 3, "FuseConv1x1(W1 [2 3], b1, W2 [4 2], b2): W")
	testutil.Close3D(t, conv1x1(conv1x1(X, W1, b1), W2, b2), conv1x1(X, W, b), 0,
		"the fused layer on X [3 2 3] vs the two layers one after the other "+
			"(are the biases fused too?)")
}

// TestBlockDiagMatVec checks the question's example and a random case against the
// product with the full block-diagonal matrix.
//
//d2l:test 6.4-9 points=2
func TestBlockDiagMatVec(t *testing.T) {
	defer testutil.Catch(t)
	W := [][][]float32{
		testutil.Matrix([]float64{1, 2}, []float64{3, 4}),
		testutil.Matrix([]float64{0, 1}, []float64{1, 0}),
	}
	got := sec64.BlockDiagMatVec(W, []float32{1, 1, 2, 3})
	testutil.Close1D(t, []float32{3, 7, 3, 2}, got, 0, "BlockDiagMatVec(W, [1 1 2 3])")

	r := testutil.Rng(649)
	const b, size = 3, 4
	W = make([][][]float32, b)
	full := grid.Zeros(b*size, b*size)
	for k := range W {
		W[k] = testutil.Rand2D(r, size, size)
		for i := range size {
			for j := range size {
				full[k*size+i][k*size+j] = W[k][i][j]
			}
		}
	}
	x := testutil.Rand2D(r, b*size, 1)
	want := grid.MatMul(full, x)
	flat := make([]float32, b*size)
	wantFlat := make([]float32, b*size)
	for i := range flat {
		flat[i], wantFlat[i] = x[i][0], want[i][0]
	}
	testutil.Close1D(t, wantFlat, sec64.BlockDiagMatVec(W, flat), 1e-4,
		"BlockDiagMatVec(3 random 4×4 blocks, random x [12]) vs the full 12×12 product")
}
