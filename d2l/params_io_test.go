package d2l

import (
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSaveLoadParams(t *testing.T) {
	Seed(1)
	net := LeNet()
	InitXavier(net)
	path := filepath.Join(t.TempDir(), "lenet.gob")
	SaveParams(net, path)

	Seed(2)
	other := LeNet()
	X := Rand(2, 1, 28, 28)
	require.False(t, AllClose(net.Forward(X), other.Forward(X), 1e-6), "two initialisations differ")
	LoadParams(other, path)
	assert.True(t, AllClose(net.Forward(X), other.Forward(X), 0), "loaded network computes the same")
	for i, p := range other.Parameters() {
		assert.Equal(t, tensors.MustCopyFlatData[float32](net.Parameters()[i].Value), tensors.MustCopyFlatData[float32](p.Value), p.Name)
	}

	for _, tc := range []struct {
		name string
		net  *Sequential
		path string
		want string
	}{
		{"missing file", LeNet(), filepath.Join(t.TempDir(), "none.gob"), "run the cell that trains and saves first"},
		{"other architecture", NewSequential(NewFlatten(), NewLinear(784, 10)), path, "want 2 parameters"},
		{"nil net", nil, path, "want a network"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Try(func() { LoadParams(tc.net, tc.path) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
