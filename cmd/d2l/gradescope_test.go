package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/grader"
)

// TestGradescopeAutograder is the local proof of the Gradescope package: it
// builds the zip with `d2l release -gradescope`, unpacks it into ROOT/source
// and maps ROOT to /autograder (bwrap --bind, the host's / and /proc kept so
// that the grader's own sandbox nests), runs setup.sh as root, offline (the
// local Go, module cache and build cache), then, as Gradescope does per
// submission, /autograder/run_autograder on:
//
//   - the reference solutions, in a folder holding exercises/, with an answer
//     to a manual item, in the jail (D2L_SANDBOX=jail, as in a container where
//     bwrap cannot create namespaces): full marks;
//   - the reference files of two sections side by side, as Gradescope keeps
//     files dragged in one by one, with a top-level ANSWERS.md: those
//     sections' full marks and the answer;
//   - a zip of exercises/ holding one section: its full marks;
//   - the untouched exercise notebooks, in bubblewrap (auto): 0;
//   - two attacks of the grader's corpus, read_hidden (reads the hidden tests,
//     also under /autograder/source) in the jail and print_forge (prints
//     forged passes) in bubblewrap: 0, and nothing hidden in the results;
//   - no submission folder, and a grader that cannot start: 0, saying why.
//
// Every results.json is checked against Gradescope's schema. After setup.sh,
// a process of the user nobody cannot read /autograder/source.
func TestGradescopeAutograder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Gradescope package and grades four submissions with it; skipped with -short")
	}
	if _, err := os.Stat("../../solutions"); err != nil {
		t.Skip("not an instructor checkout (no solutions/)")
	}
	if _, err := exec.LookPath("bwrap"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI=%s: bubblewrap (bwrap) is missing: apt-get install bubblewrap", os.Getenv("CI"))
		}
		t.Skip("bubblewrap (bwrap) is not installed: it maps the package to /autograder")
	}
	if os.Geteuid() != 0 {
		t.Skip("Gradescope runs setup.sh and run_autograder as root; so must this test")
	}
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)
	wd, err := os.Getwd()
	require.NoError(t, err)
	repo := filepath.Join(wd, "..", "..")
	l := grader.NewLayout(repo)
	cat, err := grader.LoadCatalog(l.Solutions, l.Hidden)
	require.NoError(t, err)
	autoMax, _ := cat.MaxPoints()

	start := time.Now()
	zipPath := filepath.Join(t.TempDir(), "autograder.zip")
	require.NoError(t, os.Chdir(repo))
	err = runRelease(context.Background(), []string{"-gradescope", zipPath})
	require.NoError(t, os.Chdir(wd))
	require.NoError(t, err)
	t.Logf("release -gradescope: %s", time.Since(start).Round(time.Millisecond))

	root := t.TempDir()
	require.NoError(t, os.Chmod(root, 0o755))
	unzip(t, zipPath, filepath.Join(root, "source"))
	for _, f := range []string{"setup.sh", "run_autograder", "bin/d2l"} {
		info, err := os.Stat(filepath.Join(root, "source", f))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o755), info.Mode().Perm(), f)
	}
	for _, f := range []string{"MANUAL_QUESTIONS.md", "go.mod", "solutions/sec63/README.md", "internal/grader/hidden/sec64/sec64_hidden_test.go"} {
		assert.FileExists(t, filepath.Join(root, "source", f))
	}
	for _, f := range []string{"exercises", "cmd", "notebooks", ".git"} {
		assert.NoDirExists(t, filepath.Join(root, "source", f), "grading does not need it")
	}
	for _, d := range []string{"submission", "results"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
	}
	// bwrap makes the mount point /autograder on the host when there is none:
	// remove it (empty) afterwards.
	if _, err := os.Lstat("/autograder"); os.IsNotExist(err) {
		t.Cleanup(func() { _ = os.Remove("/autograder") })
	}
	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		require.NoError(t, err)
		return strings.TrimSpace(string(out))
	}
	env := []string{"HOME=" + os.Getenv("HOME"), "PATH=" + filepath.Dir(goBin) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOMODCACHE=" + goEnv("GOMODCACHE"), "GOCACHE=" + goEnv("GOCACHE")}
	inContainer := func(extraEnv []string, args ...string) (string, error) {
		cmd := exec.Command("bwrap", append([]string{"--dev-bind", "/", "/", "--bind", root, "/autograder", "--chdir", "/autograder", "--"}, args...)...)
		cmd.Env = append(env, extraEnv...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	start = time.Now()
	out, err := inContainer(nil, "bash", "/autograder/source/setup.sh")
	require.NoError(t, err, "setup.sh:\n%s", out)
	t.Logf("setup.sh (%s):\n%s", time.Since(start).Round(time.Millisecond), out)
	assert.Contains(t, out, fmt.Sprintf("the reference solutions get %d / %d points", autoMax, autoMax))
	assert.FileExists(t, filepath.Join(root, "source", "d2l.env"))
	info, err := os.Stat(filepath.Join(root, "source"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "/autograder/source is closed to all but root")
	hidden := filepath.Join(root, "source", "internal", "grader", "hidden", "sec64", "sec64_hidden_test.go")
	peek := exec.Command("cat", hidden)
	peek.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	b, err := peek.CombinedOutput()
	assert.Error(t, err, "nobody read a hidden test under /autograder/source")
	assert.Contains(t, string(b), "Permission denied")

	// Gradescope copies run_autograder to /autograder/run_autograder.
	run, err := os.ReadFile(filepath.Join(root, "source", "run_autograder"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "run_autograder"), run, 0o755))

	sub := filepath.Join(root, "submission")
	answers := grader.AnswersTemplate(cat, "sec63")
	require.NotNil(t, answers)
	answers = bytes.Replace(answers, []byte("答：\n"), []byte("答：采样率减半，下采样 2 倍。\n"), 1)
	for _, c := range []struct {
		name    string
		sandbox string
		fill    func(t *testing.T)
		want    float64 // score
		says    []string
	}{
		{"reference", "jail", func(t *testing.T) {
			for _, sec := range cat.Sections() {
				copyFiles(t, filepath.Join(l.Solutions, sec), filepath.Join(sub, "exercises", sec), func(n string) bool {
					return strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go")
				})
			}
			require.NoError(t, os.WriteFile(filepath.Join(sub, "exercises", "sec63", grader.AnswersFile), answers, 0o644))
		}, float64(autoMax), []string{"采样率减半"}},
		{"flattened files and a top-level ANSWERS.md", "auto", func(t *testing.T) {
			// Files dragged into Gradescope's upload one by one arrive side by side.
			for _, sec := range []string{"sec63", "sec65"} {
				copyFiles(t, filepath.Join(l.Solutions, sec), sub, func(n string) bool {
					return strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") && n != "doc.go"
				})
			}
			require.NoError(t, os.WriteFile(filepath.Join(sub, grader.AnswersFile), answers, 0o644))
		}, sectionMax(cat, "sec63", "sec65"), []string{"采样率减半", "placed by their package clause or name"}},
		{"a zip of exercises/", "auto", func(t *testing.T) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			entries, err := os.ReadDir(filepath.Join(l.Solutions, "sec64"))
			require.NoError(t, err)
			for _, e := range entries {
				if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
					continue
				}
				b, err := os.ReadFile(filepath.Join(l.Solutions, "sec64", e.Name()))
				require.NoError(t, err)
				w, err := zw.Create("exercises/sec64/" + e.Name())
				require.NoError(t, err)
				_, err = w.Write(b)
				require.NoError(t, err)
			}
			require.NoError(t, zw.Close())
			require.NoError(t, os.WriteFile(filepath.Join(sub, "exercises.zip"), buf.Bytes(), 0o644))
		}, sectionMax(cat, "sec64"), nil},
		{"stub notebooks", "auto", func(t *testing.T) {
			copyFiles(t, l.Notebooks, sub, func(n string) bool { return strings.HasSuffix(n, ".ipynb") })
		}, 0, []string{"TODO"}},
		{"read_hidden", "jail", func(t *testing.T) {
			copyFiles(t, filepath.Join(repo, "internal/grader/testdata/submissions/read_hidden/sec64"), filepath.Join(sub, "sec64"), nil)
		}, 0, []string{`import \"os\" is not allowed`}},
		{"print_forge", "auto", func(t *testing.T) {
			copyFiles(t, filepath.Join(repo, "internal/grader/testdata/submissions/print_forge/sec63"), filepath.Join(sub, "sec63"), nil)
		}, 0, []string{"6.3-4 TestMirrorPad1D"}},
		{"no submission", "auto", func(t *testing.T) { require.NoError(t, os.Remove(sub)) }, 0, []string{"could not grade", "no submission folder"}},
		{"grader cannot start", "auto", func(t *testing.T) {
			require.NoError(t, os.Chmod(filepath.Join(root, "source", "bin", "d2l"), 0o600))
			t.Cleanup(func() { _ = os.Chmod(filepath.Join(root, "source", "bin", "d2l"), 0o700) })
		}, 0, []string{"could not grade", "status 126"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, os.RemoveAll(sub))
			require.NoError(t, os.Mkdir(sub, 0o755))
			require.NoError(t, os.RemoveAll(filepath.Join(root, "results")))
			c.fill(t)
			start := time.Now()
			out, err := inContainer([]string{"D2L_SANDBOX=" + c.sandbox}, "/autograder/run_autograder")
			require.NoError(t, err, "run_autograder exits 0 whatever happens:\n%s", out)
			t.Logf("run_autograder (%s, %s): %s", c.sandbox, time.Since(start).Round(time.Millisecond), strings.TrimSpace(out))
			b, err := os.ReadFile(filepath.Join(root, "results", "results.json"))
			require.NoError(t, err, "no results.json:\n%s", out)
			g := validateGradescope(t, b)
			assert.Equal(t, c.want, g.Score, "score\n%s", truncateForLog(string(b)))
			for _, s := range c.says {
				assert.Contains(t, string(b), s)
			}
			for _, bad := range []string{"LOOT:", "_hidden_test.go", "package sec64 // hidden", root} {
				assert.NotContains(t, string(b), bad)
			}
			if c.name == "reference" {
				require.Len(t, g.Tests, len(validTests(cat)))
				for _, tc := range g.Tests {
					if slices.Contains(tc.Tags, "manual") {
						assert.Zero(t, tc.MaxScore, tc.Name)
						continue
					}
					assert.Equal(t, "passed", tc.Status, "%s: %s", tc.Name, tc.Output)
				}
			}
		})
	}
}

// sectionMax is the automatic maximum of some sections.
func sectionMax(cat *grader.Catalog, secs ...string) float64 {
	n := 0
	for _, e := range cat.Exercises {
		if e.Kind == grader.KindCode && slices.Contains(secs, e.Section) {
			n += e.MaxPoints()
		}
	}
	return float64(n)
}

// validTests lists what the results of a full submission hold: a test per
// test function and one per manual item.
func validTests(cat *grader.Catalog) []string {
	var names []string
	for _, e := range cat.Exercises {
		if e.Kind == grader.KindManual {
			names = append(names, e.ID)
			continue
		}
		for _, t := range e.Tests() {
			names = append(names, e.ID+" "+t.Name)
		}
	}
	return names
}

// validateGradescope checks results.json against Gradescope's autograder
// specification, strictly: only the keys it defines, no leaderboard, every
// test with a name, a score and a maximum (0 <= score <= max_score) and a
// visibility it knows, a known status, the top-level score the sum of the
// tests' and at most their maximum, a positive execution time.
func validateGradescope(t *testing.T, b []byte) grader.Gradescope {
	t.Helper()
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &raw))
	top := []string{"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests"}
	for k := range raw {
		assert.Contains(t, top, k, "a key Gradescope does not define")
	}
	assert.NotContains(t, raw, "leaderboard")
	for _, k := range []string{"score", "execution_time", "tests", "output"} {
		assert.Contains(t, raw, k)
	}
	visibilities := []string{"hidden", "after_due_date", "after_published", "visible"}
	var g grader.Gradescope
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&g))
	assert.Positive(t, g.ExecutionTime)
	assert.Contains(t, visibilities, g.Visibility)
	assert.Contains(t, visibilities, g.StdoutVisibility)
	var rawTests []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw["tests"], &rawTests))
	require.NotNil(t, rawTests, "tests is a list, not null")
	testKeys := []string{"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags", "visibility", "extra_data"}
	sum, maxSum := 0.0, 0.0
	seen := map[string]bool{}
	for i, tc := range g.Tests {
		for k := range rawTests[i] {
			assert.Contains(t, testKeys, k, "test %d: a key Gradescope does not define", i)
		}
		assert.NotEmpty(t, tc.Name)
		assert.False(t, seen[tc.Name], "two tests named %q", tc.Name)
		seen[tc.Name] = true
		require.NotNil(t, tc.Score, "%s: no score", tc.Name)
		assert.GreaterOrEqual(t, *tc.Score, 0.0, tc.Name)
		assert.LessOrEqual(t, *tc.Score, tc.MaxScore, tc.Name)
		assert.Contains(t, visibilities, tc.Visibility, tc.Name)
		if tc.Status != "" {
			assert.Contains(t, []string{"passed", "failed"}, tc.Status, tc.Name)
		}
		if slices.Contains(tc.Tags, "hidden") {
			assert.Equal(t, "after_published", tc.Visibility, tc.Name)
		}
		sum += *tc.Score
		maxSum += tc.MaxScore
	}
	assert.Equal(t, sum, g.Score, "score is the sum of the tests' scores")
	assert.LessOrEqual(t, g.Score, maxSum)
	return g
}

func truncateForLog(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// unzip unpacks a zip into dir, keeping the files' modes.
func unzip(t *testing.T, zipPath, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	require.NoError(t, err)
	defer zr.Close()
	for _, f := range zr.File {
		require.False(t, strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/"), f.Name)
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		r, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		r.Close()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, b, f.Mode().Perm()))
	}
}

// copyFiles copies the regular files of src (not its folders) whose names keep
// accepts (all with nil) into dst.
func copyFiles(t *testing.T, src, dst string, keep func(name string) bool) {
	t.Helper()
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dst, 0o755))
	for _, e := range entries {
		if !e.Type().IsRegular() || keep != nil && !keep(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644))
	}
}
