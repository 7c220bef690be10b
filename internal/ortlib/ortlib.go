// Package ortlib finds and installs the ONNX Runtime shared library
// (libonnxruntime.so.1) that d2l's ONNX Runtime backend loads.
//
// The library comes from the official build that the npm package
// onnxruntime-node ships (version [Version]); Install fetches it with the
// ordinary npm client, so it needs no network other than the npm registry.
// It is placed in a per-user directory (see [Dir]) and never in system
// directories.
package ortlib

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

const (
	// Version is the onnxruntime-node release whose library Install fetches.
	Version = "1.30.0"

	// LibName is the file name of the shared library.
	LibName = "libonnxruntime.so.1"

	// EnvPath is the environment variable naming the library explicitly; it
	// is the variable GoMLX's ONNX Runtime backend reads too.
	EnvPath = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

	// npmPackage is the npm package spec Install packs.
	npmPackage = "onnxruntime-node@" + Version
)

// Dir returns the per-user directory where Install puts the library:
// $XDG_DATA_HOME/d2l-go/onnxruntime, by default
// ~/.local/share/d2l-go/onnxruntime.
func Dir() (string, error) {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "d2l-go", "onnxruntime"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("ortlib.Dir: cannot find the home directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "d2l-go", "onnxruntime"), nil
}

// Find returns the path of an installed libonnxruntime.so.1, or "" when
// there is none. It looks first at $ONNXRUNTIME_SHARED_LIBRARY_PATH, then
// in [Dir]. Only regular, non-empty files count.
func Find() string {
	if p := os.Getenv(EnvPath); p != "" && isLib(p) {
		return p
	}
	if dir, err := Dir(); err == nil {
		if p := filepath.Join(dir, LibName); isLib(p) {
			return p
		}
	}
	return ""
}

// isLib reports whether path is a regular non-empty file.
func isLib(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Size() > 0
}

// npmArch maps GOARCH to the directory name onnxruntime-node uses.
func npmArch(goarch string) (string, error) {
	switch goarch {
	case "amd64":
		return "x64", nil
	case "arm64":
		return "arm64", nil
	}
	return "", fmt.Errorf("ortlib.Install: architecture %s/%s: onnxruntime-node ships linux/amd64 and linux/arm64 only", runtime.GOOS, goarch)
}

// Install fetches libonnxruntime.so.1 from npm's onnxruntime-node@[Version]
// (`npm pack` in a temporary directory, then extracting
// package/bin/napi-v6/linux/<arch>/libonnxruntime.so.1) into [Dir] and
// returns its path. When the library is already there it returns at once.
// It fails with a one-line error when npm is missing, the platform is not
// linux/amd64 or linux/arm64, or the package lacks the library.
func Install(ctx context.Context) (string, error) {
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	target := filepath.Join(dir, LibName)
	if isLib(target) {
		return target, nil
	}
	if runtime.GOOS != "linux" {
		return "", fmt.Errorf("ortlib.Install: platform %s/%s: only linux is supported; install ONNX Runtime yourself and set %s", runtime.GOOS, runtime.GOARCH, EnvPath)
	}
	arch, err := npmArch(runtime.GOARCH)
	if err != nil {
		return "", err
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("ortlib.Install: npm not found on PATH; install it (Debian/Ubuntu: sudo apt-get install npm) or set %s to an existing %s", EnvPath, LibName)
	}
	tmp, err := os.MkdirTemp("", "d2l-ortlib-")
	if err != nil {
		return "", fmt.Errorf("ortlib.Install: temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, npm, "pack", "--silent", npmPackage)
	cmd.Dir = tmp
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = strings.TrimSpace(msg[i+1:])
		}
		return "", fmt.Errorf("ortlib.Install: `npm pack %s` failed: %v: %s", npmPackage, err, msg)
	}
	tgz := lastLine(stdout.String())
	if tgz == "" || strings.ContainsAny(tgz, "/\\") {
		matches, _ := filepath.Glob(filepath.Join(tmp, "*.tgz"))
		if len(matches) != 1 {
			return "", fmt.Errorf("ortlib.Install: `npm pack %s` produced %d .tgz files, want 1", npmPackage, len(matches))
		}
		tgz = filepath.Base(matches[0])
	}
	member := "package/bin/napi-v6/linux/" + arch + "/" + LibName
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("ortlib.Install: creating %s: %w", dir, err)
	}
	if err := extract(filepath.Join(tmp, tgz), member, target); err != nil {
		return "", err
	}
	return target, nil
}

// lastLine returns the last non-empty line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// extract copies the tar member named member of the gzip'ed tarball tgz to
// target, writing a temporary file beside it and renaming it into place so
// that a reader never sees a partial library.
func extract(tgz, member, target string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return fmt.Errorf("ortlib.Install: opening %s: %w", tgz, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("ortlib.Install: %s is not gzip: %w", filepath.Base(tgz), err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("ortlib.Install: %s has no %s (want the official onnxruntime-node %s package)", filepath.Base(tgz), member, Version)
		}
		if err != nil {
			return fmt.Errorf("ortlib.Install: reading %s: %w", filepath.Base(tgz), err)
		}
		if h.Name != member || h.Typeflag != tar.TypeReg {
			continue
		}
		out, err := os.CreateTemp(filepath.Dir(target), ".tmp-"+LibName+"-")
		if err != nil {
			return fmt.Errorf("ortlib.Install: writing into %s: %w", filepath.Dir(target), err)
		}
		tmpName := out.Name()
		_, cerr := io.Copy(out, tr)
		if err := out.Close(); cerr == nil {
			cerr = err
		}
		if cerr == nil {
			cerr = checkELF(tmpName)
		}
		if cerr == nil {
			cerr = os.Chmod(tmpName, 0o755)
		}
		if cerr == nil {
			cerr = os.Rename(tmpName, target)
		}
		if cerr != nil {
			os.Remove(tmpName)
			return fmt.Errorf("ortlib.Install: writing %s: %w", target, cerr)
		}
		return nil
	}
}

// checkELF fails unless path starts with the ELF magic number.
func checkELF(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil || !bytes.Equal(magic, []byte("\x7fELF")) {
		return fmt.Errorf("%s is not an ELF shared library", filepath.Base(path))
	}
	return nil
}

// Configure prepares GoMLX's ONNX Runtime backend to load the library that
// Find returns: it sets $ONNXRUNTIME_SHARED_LIBRARY_PATH to it and returns
// the path. It returns "" when no library is installed; then the caller must
// not create the ONNX Runtime backend, because GoMLX would otherwise try to
// download a library from GitHub.
func Configure() string {
	p := Find()
	if p != "" && os.Getenv(EnvPath) != p {
		os.Setenv(EnvPath, p)
	}
	return p
}
