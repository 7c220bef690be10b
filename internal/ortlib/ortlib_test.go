package ortlib

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeELF is the content of the fake library the fake npm packs.
var fakeELF = []byte("\x7fELF fake onnxruntime")

// writeTGZ writes a gzip'ed tarball holding files (name -> content) to path.
func writeTGZ(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for name, data := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}))
		_, err := tw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
}

// fakeNPM puts on PATH an `npm` script that copies tgz into the current
// directory and prints its name, as `npm pack` does.
func fakeNPM(t *testing.T, tgz string) {
	t.Helper()
	bin := t.TempDir()
	script := "#!/bin/sh\n[ \"$1\" = pack ] || exit 3\n/bin/cp '" + tgz + "' ./onnxruntime-node-" + Version + ".tgz\necho onnxruntime-node-" + Version + ".tgz\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "npm"), []byte(script), 0o755))
	t.Setenv("PATH", bin)
}

// isolate points the per-user directory and the env variable at fresh places.
func isolate(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	t.Setenv(EnvPath, "")
	return filepath.Join(data, "d2l-go", "onnxruntime", LibName)
}

func TestDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	d, err := Dir()
	require.NoError(t, err)
	assert.Equal(t, "/home/someone/.local/share/d2l-go/onnxruntime", d)
	t.Setenv("XDG_DATA_HOME", "/xdg")
	d, err = Dir()
	require.NoError(t, err)
	assert.Equal(t, "/xdg/d2l-go/onnxruntime", d)
}

func TestFind(t *testing.T) {
	perUser := isolate(t)
	other := filepath.Join(t.TempDir(), "custom.so")
	require.NoError(t, os.WriteFile(other, fakeELF, 0o644))
	empty := filepath.Join(t.TempDir(), "empty.so")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))

	assert.Equal(t, "", Find(), "nothing installed")
	require.NoError(t, os.MkdirAll(filepath.Dir(perUser), 0o755))
	require.NoError(t, os.WriteFile(perUser, fakeELF, 0o644))
	tests := []struct {
		name, env, want string
	}{
		{"per-user location", "", perUser},
		{"env wins", other, other},
		{"env missing file falls back", filepath.Join(t.TempDir(), "nope.so"), perUser},
		{"env empty file falls back", empty, perUser},
		{"env directory falls back", t.TempDir(), perUser},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvPath, tc.env)
			assert.Equal(t, tc.want, Find())
		})
	}
}

func TestConfigure(t *testing.T) {
	perUser := isolate(t)
	assert.Equal(t, "", Configure())
	assert.Equal(t, "", os.Getenv(EnvPath))
	require.NoError(t, os.MkdirAll(filepath.Dir(perUser), 0o755))
	require.NoError(t, os.WriteFile(perUser, fakeELF, 0o644))
	assert.Equal(t, perUser, Configure())
	assert.Equal(t, perUser, os.Getenv(EnvPath))
}

func TestInstallFromFakeNPM(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Install supports linux only")
	}
	arch, err := npmArch(runtime.GOARCH)
	require.NoError(t, err)
	target := isolate(t)
	tgz := filepath.Join(t.TempDir(), "pkg.tgz")
	writeTGZ(t, tgz, map[string][]byte{
		"package/package.json":                                            []byte("{}"),
		"package/bin/napi-v6/linux/" + arch + "/" + LibName:               fakeELF,
		"package/bin/napi-v6/linux/" + arch + "/onnxruntime_binding.node": []byte("binding"),
	})
	fakeNPM(t, tgz)

	got, err := Install(context.Background())
	require.NoError(t, err)
	assert.Equal(t, target, got)
	data, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, fakeELF, data)
	assert.Equal(t, target, Find())
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".tmp-*"))
	assert.Empty(t, leftovers)

	// A second call finds the library and does not run npm.
	t.Setenv("PATH", "")
	got, err = Install(context.Background())
	require.NoError(t, err)
	assert.Equal(t, target, got)
}

func TestInstallErrors(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Install supports linux only")
	}
	arch, err := npmArch(runtime.GOARCH)
	require.NoError(t, err)
	tests := []struct {
		name    string
		files   map[string][]byte // nil: no npm on PATH
		wantErr string
	}{
		{"npm missing", nil, "npm not found on PATH"},
		{"library missing", map[string][]byte{"package/package.json": []byte("{}")}, "has no package/bin/napi-v6/linux/"},
		{"not ELF", map[string][]byte{"package/bin/napi-v6/linux/" + arch + "/" + LibName: []byte("MZ nope")}, "not an ELF shared library"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := isolate(t)
			if tc.files == nil {
				t.Setenv("PATH", t.TempDir())
			} else {
				tgz := filepath.Join(t.TempDir(), "pkg.tgz")
				writeTGZ(t, tgz, tc.files)
				fakeNPM(t, tgz)
			}
			_, err := Install(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Contains(t, err.Error(), "ortlib.Install")
			assert.NotContains(t, err.Error(), "\n")
			assert.NoFileExists(t, target)
			assert.Equal(t, "", Find())
		})
	}
}

func TestNpmArch(t *testing.T) {
	for goarch, want := range map[string]string{"amd64": "x64", "arm64": "arm64"} {
		got, err := npmArch(goarch)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := npmArch("riscv64")
	assert.ErrorContains(t, err, "riscv64")
}

// TestInstallReal fetches the real package from the npm registry; it runs
// only when D2L_ORTLIB_REAL=1, since it downloads about 110 MB.
func TestInstallReal(t *testing.T) {
	if os.Getenv("D2L_ORTLIB_REAL") != "1" {
		t.Skip("set D2L_ORTLIB_REAL=1 to fetch onnxruntime-node from the npm registry")
	}
	target := isolate(t)
	got, err := Install(context.Background())
	require.NoError(t, err)
	assert.Equal(t, target, got)
	st, err := os.Stat(got)
	require.NoError(t, err)
	assert.Greater(t, st.Size(), int64(10<<20))
}
