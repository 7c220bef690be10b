//go:build d2lgrader

package sec62_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/exercises/grid"
	"github.com/d2l-go/d2l-go/exercises/sec62"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec62"
)

// TestHidden_DiagonalEdge compares the image and the three responses with the
// reference on several sizes and random images.
//
//d2l:test 6.2-1 points=2
func TestHidden_DiagonalEdge(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(621)
	for _, n := range []int{2, 5, 7} {
		testutil.Close2D(t, ref.DiagonalEdgeImage(n), sec62.DiagonalEdgeImage(n), 0, fmt.Sprintf("DiagonalEdgeImage(%d)", n))
		X := testutil.Rand2D(r, n+1, n+3)
		ra, rb, rc := ref.EdgeResponses(testutil.Copy2D(X))
		a, b, c := sec62.EdgeResponses(X)
		what := fmt.Sprintf("EdgeResponses of a random image [%d %d]: ", n+1, n+3)
		testutil.Close2D(t, ra, a, testutil.Tol, what+"withK")
		testutil.Close2D(t, rb, b, testutil.Tol, what+"withXT")
		testutil.Close2D(t, rc, c, testutil.Tol, what+"withKT")
	}
}

// TestHidden_Im2Col compares Im2Col and Corr2DMatMul with the reference on
// random shapes, including 1×k and k×1 kernels.
//
//d2l:test 6.2-3a points=2
func TestHidden_Im2Col(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(623)
	for _, c := range [][4]int{{5, 6, 2, 3}, {4, 4, 1, 4}, {6, 3, 3, 1}, {7, 7, 7, 7}} {
		X := testutil.Rand2D(r, c[0], c[1])
		K := testutil.Rand2D(r, c[2], c[3])
		what := fmt.Sprintf("a random X %v and a random K %v", c[:2], c[2:])
		want := ref.Im2Col(testutil.Copy2D(X), c[2], c[3])
		testutil.Close2D(t, want, sec62.Im2Col(testutil.Copy2D(X), c[2], c[3]), testutil.Tol, "Im2Col of "+what)
		want = ref.Corr2DMatMul(testutil.Copy2D(X), testutil.Copy2D(K))
		testutil.Close2D(t, want, sec62.Corr2DMatMul(X, K), testutil.Tol, "Corr2DMatMul of "+what)
	}
}

// TestHidden_Toeplitz compares ToeplitzMatrix with the reference on random shapes.
//
//d2l:test 6.2-3b points=2
func TestHidden_Toeplitz(t *testing.T) {
	defer testutil.Catch(t)
	r := testutil.Rng(6232)
	for _, c := range [][4]int{{4, 5, 2, 3}, {3, 3, 3, 3}, {5, 2, 1, 2}} {
		K := testutil.Rand2D(r, c[2], c[3])
		want := ref.ToeplitzMatrix(testutil.Copy2D(K), c[0], c[1])
		testutil.Close2D(t, want, sec62.ToeplitzMatrix(K, c[0], c[1]), testutil.Tol,
			fmt.Sprintf("ToeplitzMatrix of a random K %v for a %d×%d input", c[2:], c[0], c[1]))
	}
}

// hiddenPoly returns a random polynomial of the given degree with leading coefficient lead.
func hiddenPoly(seed uint64, degree int, lead float64) func(x float64) float64 {
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

// hiddenSamples returns the [1][n] row f(0), …, f(n-1).
func hiddenSamples(n int, f func(x float64) float64) [][]float32 {
	row := make([]float32, n)
	for i := range row {
		row[i] = float32(f(float64(i)))
	}
	return [][]float32{row}
}

// TestHidden_SecondDerivative checks the kernel on random cubics against the
// reference kernel's (exact) second differences.
//
//d2l:test 6.2-4a points=1
func TestHidden_SecondDerivative(t *testing.T) {
	defer testutil.Catch(t)
	K := sec62.SecondDerivativeKernel()
	testutil.ShapeIs(t, K, 1, 3, "SecondDerivativeKernel()")
	for seed := uint64(1); seed <= 3; seed++ {
		X := hiddenSamples(9, hiddenPoly(seed, 3, float64(seed)))
		testutil.Close2D(t, grid.Corr2D(X, ref.SecondDerivativeKernel()), grid.Corr2D(X, K), 1e-5, fmt.Sprintf("corr2d(random cubic number %d, SecondDerivativeKernel())", seed))
	}
}

// TestHidden_Integral compares IntegralKernel with the reference on random sizes.
//
//d2l:test 6.2-4b points=1
func TestHidden_Integral(t *testing.T) {
	defer testutil.Catch(t)
	for _, c := range [][2]int{{1, 1}, {3, 2}, {4, 5}} {
		testutil.Close2D(t, ref.IntegralKernel(c[0], c[1]), sec62.IntegralKernel(c[0], c[1]), 0, fmt.Sprintf("IntegralKernel(%d, %d)", c[0], c[1]))
	}
}

// TestHidden_Derivative compares DerivativeKernel with the reference for d = 5…7.
//
//d2l:test 6.2-4c points=1
func TestHidden_Derivative(t *testing.T) {
	defer testutil.Catch(t)
	for d := 5; d <= 7; d++ {
		testutil.Close2D(t, ref.DerivativeKernel(d), sec62.DerivativeKernel(d), 0, fmt.Sprintf("DerivativeKernel(%d)", d))
	}
}
