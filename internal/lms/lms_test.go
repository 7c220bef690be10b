package lms

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zipOf makes a zip of the given files (name -> content).
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)})
		require.NoError(t, err)
		_, err = w.Write([]byte(data))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

// TestCanvas: Canvas's flat names become one folder per student with the
// original names; LATE is kept; a zip a student handed in is unpacked; an
// entry that leaves the folder is refused.
func TestCanvas(t *testing.T) {
	inner := string(zipOf(t, map[string]string{"exercises/sec63/out_shape.go": "package sec63\n", "../../evil.go": "x"}))
	dl := filepath.Join(t.TempDir(), "submissions.zip")
	require.NoError(t, os.WriteFile(dl, zipOf(t, map[string]string{
		"zhangsan_12345_678_mirror_pad.go":        "package sec63 // zhang\n",
		"zhangsan_12345_679_ANSWERS-1.md":         "## 6.3-3\n答：\n一半\n",
		"lisi_LATE_23456_680_exercises.zip":       inner,
		"__MACOSX/._zhangsan_12345_678_x.go":      "junk",
		"wangwu_34567_681_../../../etc/passwd.go": "x",
	}), 0o644))
	class := filepath.Join(t.TempDir(), "subs")
	r, err := Import(dl, class, Options{})
	require.NoError(t, err)
	assert.Equal(t, Canvas, r.Kind)
	require.Len(t, r.Students, 2)
	zhang, li := r.Students[1], r.Students[0]
	assert.Equal(t, "zhangsan-12345", zhang.Folder)
	assert.Equal(t, "12345", zhang.LMSID)
	assert.False(t, zhang.Late)
	assert.True(t, li.Late, "Canvas marked it LATE")
	assert.Equal(t, "package sec63 // zhang\n", readFile(t, filepath.Join(class, "zhangsan-12345", "mirror_pad.go")))
	assert.FileExists(t, filepath.Join(class, "zhangsan-12345", "ANSWERS.md"), "Canvas's -1 of a re-upload is dropped")
	assert.Equal(t, "package sec63\n", readFile(t, filepath.Join(class, "lisi-23456", "exercises", "sec63", "out_shape.go")), "the student's zip unpacked")
	assert.NoFileExists(t, filepath.Join(class, "lisi-23456", "exercises.zip"))
	assert.NoFileExists(t, filepath.Join(filepath.Dir(class), "evil.go"))
	assert.NoFileExists(t, "/etc/passwd.go")
	assert.NotEmpty(t, r.Skipped)
	info, err := os.Stat(filepath.Join(class, "zhangsan-12345", "mirror_pad.go"))
	require.NoError(t, err)
	assert.Equal(t, 2026, info.ModTime().UTC().Year(), "the download's file times are kept")

	// Importing again changes nothing; a new version is kept apart unless Update.
	r, err = Import(dl, class, Options{})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"zhangsan-12345", "lisi-23456"}, r.Unchanged)
	dl2 := filepath.Join(t.TempDir(), "submissions2.zip")
	require.NoError(t, os.WriteFile(dl2, zipOf(t, map[string]string{"zhangsan_12345_690_mirror_pad.go": "package sec63 // v2\n"}), 0o644))
	r, err = Import(dl2, class, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"zhangsan-12345"}, r.Kept)
	assert.Contains(t, readFile(t, filepath.Join(class, "zhangsan-12345", "mirror_pad.go")), "zhang", "not overwritten without Update")
	r, err = Import(dl2, class, Options{Update: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"zhangsan-12345"}, r.Replaced)
	assert.Contains(t, readFile(t, filepath.Join(class, "zhangsan-12345", "mirror_pad.go")), "v2")
	old, err := filepath.Glob(filepath.Join(class+".replaced", "zhangsan-12345-*", "mirror_pad.go"))
	require.NoError(t, err)
	require.Len(t, old, 1, "the old folder is moved aside, not deleted")
}

// TestMoodle: both of Moodle's layouts, a folder per student and flat names.
func TestMoodle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "download")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "Zhang San_101_assignsubmission_file_", "exercises", "sec63"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Zhang San_101_assignsubmission_file_", "exercises", "sec63", "strided.go"), []byte("package sec63\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Li Si_102_assignsubmission_file_6.3-exercises.ipynb"), []byte("{}"), 0o644))
	class := filepath.Join(t.TempDir(), "subs")
	r, err := Import(dir, class, Options{})
	require.NoError(t, err)
	assert.Equal(t, Moodle, r.Kind)
	require.Len(t, r.Students, 2)
	assert.Equal(t, "Li-Si-102", r.Students[0].Folder)
	assert.Equal(t, "Li Si", r.Students[0].Name)
	assert.FileExists(t, filepath.Join(class, "Zhang-San-101", "exercises", "sec63", "strided.go"))
	assert.FileExists(t, filepath.Join(class, "Li-Si-102", "6.3-exercises.ipynb"))
}

// TestZips: one zip per student becomes their folder.
func TestZips(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "alice.zip"), zipOf(t, map[string]string{"sec63/out_shape.go": "package sec63\n"}), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bob smith.zip"), zipOf(t, map[string]string{"6.3-exercises.ipynb": "{}"}), 0o644))
	class := filepath.Join(t.TempDir(), "subs")
	r, err := Import(dir, class, Options{})
	require.NoError(t, err)
	assert.Equal(t, Zips, r.Kind)
	assert.FileExists(t, filepath.Join(class, "alice", "sec63", "out_shape.go"))
	assert.FileExists(t, filepath.Join(class, "bob-smith", "6.3-exercises.ipynb"))
	_, err = Import(t.TempDir(), class, Options{})
	assert.ErrorContains(t, err, "is not a download this knows")
}
