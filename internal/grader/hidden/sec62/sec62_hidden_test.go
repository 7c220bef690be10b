//go:build d2lgrader

package sec62

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/grid"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec62"
)

// TestHidden_DiagonalEdge compares the image and the three responses with the
// reference on several sizes and random images.
//
//d2l:test 6.2-1 points=2
func TestHidden_DiagonalEdge(t *testing.T) {
	r := testutil.Rng(621)
	for _, n := range []int{2, 5, 7} {
		testutil.Close2D(t, ref.DiagonalEdgeImage(n), DiagonalEdgeImage(n), 0, fmt.Sprintf("DiagonalEdgeImage(%d)", n))
		X := testutil.Rand2D(r, n+1, n+3)
		ra, rb, rc := ref.EdgeResponses(X)
		a, b, c := EdgeResponses(copy2(X))
		testutil.Close2D(t, ra, a, testutil.Tol, "withK on a random image")
		testutil.Close2D(t, rb, b, testutil.Tol, "withXT on a random image")
		testutil.Close2D(t, rc, c, testutil.Tol, "withKT on a random image")
	}
}

// TestHidden_Im2Col compares Im2Col and Corr2DMatMul with the reference on
// random shapes, including 1×k and k×1 kernels.
//
//d2l:test 6.2-3a points=2
func TestHidden_Im2Col(t *testing.T) {
	r := testutil.Rng(623)
	for _, c := range [][4]int{{5, 6, 2, 3}, {4, 4, 1, 4}, {6, 3, 3, 1}, {7, 7, 7, 7}} {
		X := testutil.Rand2D(r, c[0], c[1])
		K := testutil.Rand2D(r, c[2], c[3])
		what := fmt.Sprintf("X %v, K %v", c[:2], c[2:])
		testutil.Close2D(t, ref.Im2Col(X, c[2], c[3]), Im2Col(copy2(X), c[2], c[3]), testutil.Tol, "Im2Col, "+what)
		testutil.Close2D(t, ref.Corr2DMatMul(X, K), Corr2DMatMul(copy2(X), copy2(K)), testutil.Tol, "Corr2DMatMul, "+what)
	}
}

// TestHidden_Toeplitz compares ToeplitzMatrix with the reference on random shapes.
//
//d2l:test 6.2-3b points=2
func TestHidden_Toeplitz(t *testing.T) {
	r := testutil.Rng(6232)
	for _, c := range [][4]int{{4, 5, 2, 3}, {3, 3, 3, 3}, {5, 2, 1, 2}} {
		K := testutil.Rand2D(r, c[2], c[3])
		testutil.Close2D(t, ref.ToeplitzMatrix(K, c[0], c[1]), ToeplitzMatrix(copy2(K), c[0], c[1]), testutil.Tol,
			fmt.Sprintf("ToeplitzMatrix(K %v, %d, %d)", c[2:], c[0], c[1]))
	}
}

// randomPoly returns a random polynomial of the given degree with leading coefficient lead.
func randomPoly(seed uint64, degree int, lead float64) func(x float64) float64 {
	r := testutil.Rng(seed)
	coef := make([]float64, degree+1)
	for i := range coef {
		coef[i] = float64(r.IntN(5) - 2)
	}
	coef[degree] = lead
	return func(x float64) float64 {
		s := 0.0
		for i := degree; i >= 0; i-- {
			s = s*x + coef[i]
		}
		return s
	}
}

// TestHidden_SecondDerivative checks the kernel on random cubics against the
// reference kernel's (exact) second differences.
//
//d2l:test 6.2-4a points=1
func TestHidden_SecondDerivative(t *testing.T) {
	K := SecondDerivativeKernel()
	testutil.ShapeIs(t, K, 1, 3, "SecondDerivativeKernel()")
	for seed := uint64(1); seed <= 3; seed++ {
		X := samples(9, randomPoly(seed, 3, float64(seed)))
		testutil.Close2D(t, grid.Corr2D(X, ref.SecondDerivativeKernel()), grid.Corr2D(X, K), 1e-5, fmt.Sprintf("corr2d(random cubic %d, K)", seed))
	}
}

// TestHidden_Integral compares IntegralKernel with the reference on random sizes.
//
//d2l:test 6.2-4b points=1
func TestHidden_Integral(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {3, 2}, {4, 5}} {
		testutil.Close2D(t, ref.IntegralKernel(c[0], c[1]), IntegralKernel(c[0], c[1]), 0, fmt.Sprintf("IntegralKernel(%d, %d)", c[0], c[1]))
	}
}

// TestHidden_Derivative compares DerivativeKernel with the reference for d = 5…7.
//
//d2l:test 6.2-4c points=1
func TestHidden_Derivative(t *testing.T) {
	for d := 5; d <= 7; d++ {
		testutil.Close2D(t, ref.DerivativeKernel(d), DerivativeKernel(d), 0, fmt.Sprintf("DerivativeKernel(%d)", d))
	}
}

// The student's code gets its own deep copy of every input (copy1…copy4) and
// the reference is computed first, so that code that changes its input
// cannot change what it is compared with.
func copy1(x []float32) []float32 { return append([]float32(nil), x...) }

func copy2(m [][]float32) [][]float32 {
	out := make([][]float32, len(m))
	for i := range m {
		out[i] = copy1(m[i])
	}
	return out
}
