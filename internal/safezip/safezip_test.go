package safezip

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type entry struct {
	name string
	mode fs.FileMode
	data string
}

func archive(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
		h.SetMode(e.mode)
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = w.Write([]byte(e.data))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestWalk: regular files come through with clean names and times; links,
// escaping names and oversized files are skipped with a reason.
func TestWalk(t *testing.T) {
	b := archive(t,
		entry{"exercises/", fs.ModeDir | 0o755, ""},
		entry{"exercises/sec63/mirror_pad.go", 0o644, "package sec63\n"},
		entry{"./exercises/sec63/ANSWERS.md", 0o644, "## 6.3-3\n"},
		entry{"../../etc/passwd", 0o644, "x"},
		entry{"/abs/file.go", 0o644, "x"},
		entry{"C:/win.go", 0o644, "x"},
		entry{`dir\file.go`, 0o644, "x"},
		entry{"link.go", fs.ModeSymlink | 0o777, "/etc/passwd"},
		entry{"big.go", 0o644, strings.Repeat("x", 100)},
		entry{"a/b/c/d/e/f/g/h.go", 0o644, "x"},
	)
	var got []string
	skipped, err := Walk(b, Limits{Entries: 100, FileBytes: 50, Total: 1000, Depth: 4}, func(f File) error {
		got = append(got, f.Name+"="+string(f.Data))
		assert.Equal(t, 2026, f.Modified.Year())
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"exercises/sec63/mirror_pad.go=package sec63\n", "exercises/sec63/ANSWERS.md=## 6.3-3\n"}, got)
	why := map[string]string{}
	for _, s := range skipped {
		why[s.Name] = s.Why
	}
	assert.Contains(t, why["../../etc/passwd"], "..")
	assert.Contains(t, why["/abs/file.go"], "absolute")
	assert.Contains(t, why["C:/win.go"], "absolute")
	assert.Contains(t, why[`dir\file.go`], "backslash")
	assert.Contains(t, why["link.go"], "not a regular file")
	assert.Contains(t, why["big.go"], "too large")
	assert.Contains(t, why["a/b/c/d/e/f/g/h.go"], "deep")
}

// TestWalkBomb: an archive whose files together exceed the total, or with too
// many entries, is refused; a file whose header understates its size is cut.
func TestWalkBomb(t *testing.T) {
	var many []entry
	for i := range 20 {
		many = append(many, entry{name: strings.Repeat("f", i+1) + ".go", mode: 0o644, data: strings.Repeat("0", 1000)})
	}
	b := archive(t, many...)
	_, err := Walk(b, Limits{Entries: 100, FileBytes: 2000, Total: 5000, Depth: 4}, func(File) error { return nil })
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Walk(b, Limits{Entries: 10, FileBytes: 2000, Total: 1 << 20, Depth: 4}, func(File) error { return nil })
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Walk([]byte("not a zip"), DefaultLimits, func(File) error { return nil })
	assert.ErrorContains(t, err, "not a zip")
}
