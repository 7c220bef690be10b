package d2l

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSaveLoadParams(t *testing.T) {
	Seed(1)
	net := LeNet()
	InitXavier(net)
	path := filepath.Join(t.TempDir(), "lenet.gob")
	before := time.Now()
	SaveParams(net, path, "训练了 10 轮, 测试精度 0.795")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the user's file")
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left")

	Seed(2)
	other := LeNet()
	X := Rand(2, 1, 28, 28)
	require.False(t, AllClose(net.Forward(X), other.Forward(X), 1e-6), "two initialisations differ")
	saved := LoadParams(other, path)
	assert.True(t, AllClose(net.Forward(X), other.Forward(X), 0), "loaded network computes the same")
	assert.Equal(t, "训练了 10 轮, 测试精度 0.795", saved.Note)
	assert.False(t, saved.Time.Before(before.Truncate(time.Second)))
	assert.True(t, strings.HasSuffix(saved.String(), " 保存的参数（训练了 10 轮, 测试精度 0.795）"), saved.String())
	assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d `, saved.String())
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
		{"not a params file", LeNet(), writeFile(t, "junk"), "want a file written by d2l.SaveParams"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Try(func() { LoadParams(tc.net, tc.path) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// writeFile writes text to a new file and returns its path.
func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// TestParamsFile: a file of the user's own cache, one per notebook name and folder.
func TestParamsFile(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("GONB_DIR", "/home/a/d2l-go/notebooks")
	a := ParamsFile("6.6-lenet")
	assert.True(t, strings.HasPrefix(a, filepath.Join(cache, "d2l-go", "params", "6.6-lenet-")), a)
	assert.True(t, strings.HasSuffix(a, ".gob"))
	st, err := os.Stat(filepath.Dir(a))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	assert.Equal(t, a, ParamsFile("6.6-lenet"), "the same notebook, the same file")
	assert.NotEqual(t, a, ParamsFile("6.6-other"))
	t.Setenv("GONB_DIR", "/home/a/another-clone/notebooks")
	assert.NotEqual(t, a, ParamsFile("6.6-lenet"), "another folder's notebook")
	for _, bad := range []string{"", "../x", "a/b", ".hidden"} {
		err := Try(func() { ParamsFile(bad) })
		assert.ErrorContains(t, err, "d2l.ParamsFile: argument name: got", bad)
	}
}
