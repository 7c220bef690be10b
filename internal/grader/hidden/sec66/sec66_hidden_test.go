//go:build d2lgrader

package sec66

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/d2l"
	ref "github.com/d2l-go/d2l-go/solutions/sec66"
	"github.com/stretchr/testify/require"
)

// checkStructure compares the parameter names and shapes with the reference's.
func checkStructure(t *testing.T, name string, got, want func() *d2l.Sequential) {
	t.Helper()
	describe := func(net *d2l.Sequential) []string {
		var out []string
		for _, p := range net.Parameters() {
			out = append(out, fmt.Sprintf("%s %v", p.Name, p.Value.Shape().Dimensions))
		}
		return out
	}
	net := got()
	require.NotNil(t, net, "%s() returned nil", name)
	require.Equal(t, describe(want()), describe(net), "%s(): parameters (name and shape)", name)
}

// checkTrains fails unless eight seeded SGD steps lower the loss.
func checkTrains(t *testing.T, name string) {
	t.Helper()
	v := variants[name]
	requireFalls(t, trainLosses(t, v.build, 8, v.lr))
}

// TestHidden_LeNetMaxPool_Structure compares the parameters with the reference.
//
//d2l:test 6.6-1 points=1 timeout=60s
func TestHidden_LeNetMaxPool_Structure(t *testing.T) {
	checkStructure(t, "LeNetMaxPool", LeNetMaxPool, ref.LeNetMaxPool)
}

// TestHidden_LeNetMaxPool_Train checks a short seeded training run.
//
//d2l:test 6.6-1 points=2 timeout=120s
func TestHidden_LeNetMaxPool_Train(t *testing.T) { checkTrains(t, "LeNetMaxPool") }

// TestHidden_LeNetReLU_Structure compares the parameters with the reference.
//
//d2l:test 6.6-2a points=1 timeout=60s
func TestHidden_LeNetReLU_Structure(t *testing.T) {
	checkStructure(t, "LeNetReLU", LeNetReLU, ref.LeNetReLU)
}

// TestHidden_LeNetReLU_Train checks a short seeded training run.
//
//d2l:test 6.6-2a points=2 timeout=120s
func TestHidden_LeNetReLU_Train(t *testing.T) { checkTrains(t, "LeNetReLU") }

// TestHidden_LeNetWide_Structure compares the parameters with the reference.
//
//d2l:test 6.6-2b points=1 timeout=60s
func TestHidden_LeNetWide_Structure(t *testing.T) {
	checkStructure(t, "LeNetWide", LeNetWide, ref.LeNetWide)
}

// TestHidden_LeNetWide_Train checks a short seeded training run.
//
//d2l:test 6.6-2b points=2 timeout=120s
func TestHidden_LeNetWide_Train(t *testing.T) { checkTrains(t, "LeNetWide") }

// TestHidden_LeNetDeep_Structure compares the parameters with the reference.
//
//d2l:test 6.6-2c points=1 timeout=60s
func TestHidden_LeNetDeep_Structure(t *testing.T) {
	checkStructure(t, "LeNetDeep", LeNetDeep, ref.LeNetDeep)
}

// TestHidden_LeNetDeep_Train checks a short seeded training run.
//
//d2l:test 6.6-2c points=2 timeout=120s
func TestHidden_LeNetDeep_Train(t *testing.T) { checkTrains(t, "LeNetDeep") }

// TestHidden_LayerOutputs compares every layer's output with the reference on a
// seeded deep network and random input.
//
//d2l:test 6.6-4 points=2 timeout=60s
func TestHidden_LayerOutputs(t *testing.T) {
	d2l.Seed(66)
	net := ref.LeNetDeep()
	X := d2l.Rand(3, 1, 28, 28)
	want := ref.LayerOutputs(net, X)
	got := LayerOutputs(net, X)
	require.Len(t, got, len(want), "LayerOutputs: one output per layer")
	for i := range want {
		require.NotNil(t, got[i], "output %d is nil", i)
		require.Equal(t, want[i].Shape().Dimensions, got[i].Shape().Dimensions, "output %d shape", i)
		require.True(t, d2l.AllClose(want[i], got[i], 1e-5), "output %d (%s) differs from the reference", i, d2l.LayerName(net.Layers[i]))
	}
}
