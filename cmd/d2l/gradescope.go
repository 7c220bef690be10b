package main

import (
	"archive/zip"
	"bufio"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/grader"
)

// The scripts of the Gradescope package; @GO_VERSION@ becomes go.mod's version.
var (
	//go:embed gradescope/setup.sh
	gradescopeSetup string
	//go:embed gradescope/run_autograder
	gradescopeRun string
)

// gradescopeArch is the architecture of Gradescope's machines (x86-64), for
// which the package's d2l binary is built.
const gradescopeArch = "amd64"

// writeGradescope writes the Gradescope autograder package of the checkout
// l to zipPath. Gradescope unpacks it into /autograder/source; at its root:
//
//	setup.sh             installs Go and the sandbox, fills the caches, self-test
//	run_autograder       grades /autograder/submission (d2l autograde)
//	MANUAL_QUESTIONS.md  the manual items: points, question, rubric, reference answer
//	bin/d2l              the grader: this d2l, static, linux/amd64
//	go.mod, go.sum, solutions/, internal/grader/hidden/, the library packages
//	                     they import: what grading reads (grader.GradingFiles)
//
// The grader travels prebuilt (CGO_ENABLED=0, -trimpath) rather than as the
// CLI's source: the container then needs no C compiler and none of the CLI's
// own dependencies (the browser, GoNB, ONNX Runtime), and it grades with
// exactly the instructor's grader. It still needs Go, since every submission
// is compiled with the tests; setup.sh installs it, with the modules, and
// builds the reference once so that Go's build cache is warm.
func writeGradescope(l grader.Layout, zipPath string) error {
	cat, err := grader.LoadCatalog(l.Solutions, l.Hidden)
	if err != nil {
		return err
	}
	files, err := grader.GradingFiles(l)
	if err != nil {
		return err
	}
	goVersion, err := goModVersion(filepath.Join(l.Root, "go.mod"))
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "d2l-gradescope-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "d2l")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./cmd/d2l")
	build.Dir = l.Root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+gradescopeArch)
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building d2l for Gradescope (linux/%s): %v\n%s", gradescopeArch, err, out)
	}
	part := zipPath + ".part"
	f, err := os.Create(part)
	if err != nil {
		return err
	}
	defer os.Remove(part)
	zw := zip.NewWriter(f)
	now := time.Now()
	add := func(name string, mode os.FileMode, b []byte) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err == nil {
			_, err = w.Write(b)
		}
		return err
	}
	script := func(s string) []byte { return []byte(strings.ReplaceAll(s, "@GO_VERSION@", goVersion)) }
	b, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	for _, e := range []struct {
		name string
		mode os.FileMode
		b    []byte
	}{
		{"setup.sh", 0o755, script(gradescopeSetup)},
		{"run_autograder", 0o755, script(gradescopeRun)},
		{"MANUAL_QUESTIONS.md", 0o644, grader.ManualQuestions(cat)},
		{"bin/d2l", 0o755, b},
	} {
		if err := add(e.name, e.mode, e.b); err != nil {
			return err
		}
	}
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(l.Root, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		if err := add(rel, 0o644, b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(part, zipPath); err != nil {
		return err
	}
	auto, manual := cat.MaxPoints()
	fmt.Printf("release: wrote the Gradescope autograder %s (%d files, Go %s; autograder points %d, manual questions %d points: see its MANUAL_QUESTIONS.md)\n",
		zipPath, len(files)+4, goVersion, auto, manual)
	return nil
}

// goModVersion is the Go version go.mod pins: its toolchain line, else its
// go line, as a release of Go ("1.26.5"; "1.26" becomes "1.26.0").
func goModVersion(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var goLine, toolchain string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "go" {
			goLine = fields[1]
		}
		if len(fields) == 2 && fields[0] == "toolchain" {
			toolchain = strings.TrimPrefix(fields[1], "go")
		}
	}
	v := goLine
	if toolchain != "" {
		v = toolchain
	}
	if v == "" {
		return "", fmt.Errorf("%s has no go line", path)
	}
	if strings.Count(v, ".") == 1 {
		v += ".0"
	}
	return v, nil
}
