package browser_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// TestNotebooksInBrowser: see the package documentation.
func TestNotebooksInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Jupyter and Chromium; skipped with -short")
	}
	tools := harness.RequireTools(t)
	chrome := requireProgram(t, "Chromium", "apt-get install chromium", "chromium", "chromium-browser", "google-chrome")
	jupyter := requireProgram(t, "Jupyter Notebook", "apt-get install jupyter-notebook", "jupyter-notebook")
	root, err := harness.RepoRoot(".")
	require.NoError(t, err)
	shots := filepath.Join(root, "build", "browser")
	require.NoError(t, os.MkdirAll(shots, 0o755))

	// What Jupyter serves: a copy of notebooks/, so that running cells never changes the
	// committed files. The d2l-go kernel needs nothing beside the notebooks: its Go workspace
	// is the checkout.
	work := t.TempDir()
	served := filepath.Join(work, "repo")
	nbDir := filepath.Join(served, "notebooks")
	require.NoError(t, os.MkdirAll(filepath.Join(nbDir, "exercises"), 0o755))
	committed, err := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	require.NoError(t, err)
	exercises, err := filepath.Glob(filepath.Join(root, "notebooks", "exercises", "*.ipynb"))
	require.NoError(t, err)
	var rels []string
	for _, p := range append(committed, exercises...) {
		rel, _ := filepath.Rel(filepath.Join(root, "notebooks"), p)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(nbDir, rel), data, 0o644))
		rels = append(rels, filepath.ToSlash(rel))
	}
	require.NotEmpty(t, committed)

	// A fresh Jupyter data directory: no notebook is trusted (as for a new clone), and the
	// d2l-go kernel is installed the way `d2l setup` installs it for a user. Parameters that
	// notebooks save go to a cache directory of the test's own.
	data := filepath.Join(work, "jupyter-data")
	spec, err := tools.Kernel(root, false)
	require.NoError(t, err)
	require.NoError(t, harness.InstallKernel(data, spec))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(work, "cache"))
	srv := startJupyter(t, jupyter, tools, data, filepath.Join(work, "jupyter"), served)

	ctx := newBrowser(t, chrome)

	for _, rel := range rels {
		t.Run("open/"+rel, func(t *testing.T) {
			nb, err := notebook.ReadFile(filepath.Join(nbDir, rel))
			require.NoError(t, err)
			openNotebook(t, ctx, srv, "notebooks/"+rel)
			defer closeNotebook(ctx)
			checkFigures(t, ctx, nb)
			checkMath(t, ctx, nb)
			checkLayout(t, ctx)
			checkSVGs(t, ctx, nb)
			if !strings.HasPrefix(rel, "exercises/") {
				checkExerciseLink(t, ctx)
			}
			var state struct {
				Dirty, Trusted bool
			}
			evalJS(t, ctx, `({Dirty: Jupyter.notebook.dirty, Trusted: Jupyter.notebook.trusted})`, &state)
			assert.False(t, state.Trusted, "the notebook must open untrusted, as for a new clone")
			assert.False(t, state.Dirty, "the notebook is marked as changed as soon as it opens")
			screenshot(t, ctx, filepath.Join(shots, strings.ReplaceAll(strings.TrimSuffix(rel, ".ipynb"), "/", "-")+".jpg"))
		})
	}

	t.Run("open/6.6-lenet.ipynb without scrolled:false", func(t *testing.T) {
		// The control of the scroll-box check: without the generator's "scrolled": false, Jupyter
		// squeezes 6.6's tall output of feature maps into a scroll box, and the check sees it.
		nb, err := notebook.ReadFile(filepath.Join(nbDir, "6.6-lenet.ipynb"))
		require.NoError(t, err)
		for _, c := range nb.Cells {
			delete(c.Metadata, "scrolled")
		}
		require.NoError(t, notebook.WriteFile(filepath.Join(nbDir, "6.6-scrolled.ipynb"), nb))
		openNotebook(t, ctx, srv, "notebooks/6.6-scrolled.ipynb")
		defer closeNotebook(ctx)
		assert.NotEmpty(t, measureLayout(t, ctx).Scrolled, "Jupyter's default for a tall output")
	})

	t.Run("files", func(t *testing.T) {
		// Jupyter's file list of the folder a student opens shows notebooks, nothing else.
		resp, err := http.Get(srv.host + "/api/contents/notebooks?token=" + srv.token)
		require.NoError(t, err)
		defer resp.Body.Close()
		var listing struct{ Content []struct{ Name string } }
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&listing))
		var names []string
		for _, e := range listing.Content {
			names = append(names, e.Name)
		}
		require.NotEmpty(t, names)
		for _, n := range names {
			assert.True(t, n == "exercises" || strings.HasSuffix(n, ".ipynb"), "notebooks/ lists %q", n)
		}
		sources, err := os.ReadDir(filepath.Join(root, "notebooks"))
		require.NoError(t, err)
		for _, e := range sources {
			assert.True(t, e.Name() == "exercises" || strings.HasSuffix(e.Name(), ".ipynb"), "the repository's notebooks/ holds %q", e.Name())
		}
	})

	t.Run("run/6.2-conv-layer.ipynb", func(t *testing.T) {
		openNotebook(t, ctx, srv, "notebooks/6.2-conv-layer.ipynb")
		defer closeNotebook(ctx)
		runAll(t, ctx, 6*time.Minute, nil)
		checkNoErrors(t, ctx)
		checkMath(t, ctx, nil)
		checkLayout(t, ctx)
		screenshot(t, ctx, filepath.Join(shots, "run-6.2-conv-layer.jpg"))
	})

	t.Run("run/6.3-with-explore(30)", func(t *testing.T) {
		// A student adds a cell to 6.3 that draws a big input: the figure fits the page.
		nb, err := notebook.ReadFile(filepath.Join(nbDir, "6.3-padding-and-strides.ipynb"))
		require.NoError(t, err)
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Code, ID: "mine", Source: "%%\nexplore(30, 3, 1, 1)", Metadata: map[string]any{}})
		require.NoError(t, notebook.WriteFile(filepath.Join(nbDir, "6.3-explore.ipynb"), nb))
		openNotebook(t, ctx, srv, "notebooks/6.3-explore.ipynb")
		defer closeNotebook(ctx)
		runAll(t, ctx, 6*time.Minute, nil)
		checkNoErrors(t, ctx)
		checkLayout(t, ctx)
		var fig struct{ W, Area float64 }
		evalJS(t, ctx, `(() => { const el = Jupyter.notebook.get_cells().slice(-1)[0].output_area.element[0];
			const img = el.querySelector('img, svg'); const sub = el.querySelector('.output_subarea');
			return {W: img ? img.getBoundingClientRect().width : 0, Area: sub.clientWidth}; })()`, &fig)
		assert.Positive(t, fig.W, "explore draws its figure")
		assert.LessOrEqual(t, fig.W, fig.Area, "the figure fits the output area")
		screenshot(t, ctx, filepath.Join(shots, "run-6.3-explore-30.jpg"))
	})

	// solve writes the notebook of rel with the reference solutions of the exercises in ids
	// (every code exercise when nil) in their solution cells, as name.
	solve := func(t *testing.T, rel, name string, ids map[string]bool) {
		nb, err := notebook.ReadFile(filepath.Join(nbDir, rel))
		require.NoError(t, err)
		solved := 0
		for _, c := range nb.Cells {
			meta, _ := c.Metadata["d2l"].(map[string]any)
			if meta["role"] != "solution" || (ids != nil && !ids[meta["exercise"].(string)]) {
				continue
			}
			src, err := os.ReadFile(filepath.Join(root, "solutions", meta["section"].(string), meta["file"].(string)))
			require.NoError(t, err)
			c.Source = solutionCell(string(src))
			solved++
		}
		require.Positive(t, solved)
		require.NoError(t, notebook.WriteFile(filepath.Join(nbDir, "exercises", name), nb))
	}

	t.Run("run/exercises/6.3-exercises.ipynb", func(t *testing.T) {
		// A student who solved everything: the solution cells hold the reference solutions.
		solve(t, "exercises/6.3-exercises.ipynb", "6.3-solved.ipynb", nil)
		openNotebook(t, ctx, srv, "notebooks/exercises/6.3-solved.ipynb")
		defer closeNotebook(ctx)
		runAll(t, ctx, 4*time.Minute, nil)
		checkNoErrors(t, ctx)
		out := cellText(t, ctx, -1)
		assert.Contains(t, out, "练习 6.3-1  通过", "the %%test cell's output:\n%s", out)
		assert.NotContains(t, out, "未通过")
		assert.NotContains(t, out, "还没运行")
		checkLayout(t, ctx)
		screenshot(t, ctx, filepath.Join(shots, "run-6.3-exercises-solved.jpg"))
	})

	t.Run("run/exercises/one-at-a-time", func(t *testing.T) {
		// A student who solved 6.3-1 and ran its cell (and the preparation cell), then %test:
		// 6.3-1 gets its points, the exercises whose cells were not run are "not run yet", and
		// the cell ends with the summary, without an error.
		solve(t, "exercises/6.3-exercises.ipynb", "6.3-first.ipynb", map[string]bool{"6.3-1": true})
		openNotebook(t, ctx, srv, "notebooks/exercises/6.3-first.ipynb")
		defer closeNotebook(ctx)
		var cells struct{ Prep, Sol, Test int }
		evalJS(t, ctx, `(() => { const cs = Jupyter.notebook.get_cells();
			const at = f => cs.findIndex(c => f(c.metadata.d2l || {}));
			return {Prep: at(m => m.role === 'prep'), Sol: at(m => m.exercise === '6.3-1'), Test: at(m => m.role === 'test')}; })()`, &cells)
		require.True(t, cells.Prep >= 0 && cells.Sol > cells.Prep && cells.Test > cells.Sol, "%+v", cells)
		runCells(t, ctx, 4*time.Minute, cells.Prep, cells.Sol, cells.Test)
		checkNoErrors(t, ctx)
		out := cellText(t, ctx, cells.Test)
		assert.Regexp(t, `练习 6\.3-1\s+通过`, out)
		assert.Regexp(t, `练习 6\.3-4\s+还没运行\s+0/`, out)
		assert.NotContains(t, out, "undefined")
		assert.Regexp(t, `^公开测试共 \d+/\d+ 分。`, lastLine(out), "the output ends with the summary")
		screenshot(t, ctx, filepath.Join(shots, "run-6.3-exercises-one.jpg"))
	})

	t.Run("run/new-notebook-errors", func(t *testing.T) {
		// A student's new notebook: no setup cell, d2l imports. A d2l call with a bad argument
		// shows its one-line message and the student's line, nothing else; a bug of the
		// student's own (an index out of range) keeps Go's trace.
		writeNotebook(t, filepath.Join(nbDir, "mine.ipynb"),
			`import "github.com/d2l-go/d2l-go/d2l"`,
			"%%\nX := d2l.Ones(4, 4)\nK := d2l.Ones(3, 3, 3)\nd2l.Print(d2l.Corr2D(X, K))",
			"%%\nvar s []int\nfmt.Println(s[3])")
		openNotebook(t, ctx, srv, "notebooks/mine.ipynb")
		defer closeNotebook(ctx)
		runAll(t, ctx, 4*time.Minute, nil)
		got := cellText(t, ctx, 1)
		assert.Equal(t, "d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]\n    在这一格: d2l.Print(d2l.Corr2D(X, K))\n", got)
		var errors int
		evalJS(t, ctx, `Jupyter.notebook.get_cell(1).output_area.outputs.filter(o => o.output_type === 'error').length`, &errors)
		assert.Zero(t, errors, "no error output (GoNB's \"exit status\")")
		bug := cellText(t, ctx, 2)
		assert.Contains(t, bug, "panic: runtime error: index out of range [3] with length 0")
		assert.Contains(t, bug, "goroutine 1 [running]")
		screenshot(t, ctx, filepath.Join(shots, "run-new-notebook-errors.jpg"))
	})

	t.Run("run/live-plot-and-interrupt", func(t *testing.T) {
		// A LeNet training: its plot appears at once and changes in place while training runs;
		// ■ stops it after the running batch, the figures so far are shown and the parameters
		// are saved; the next cell says which run it loads.
		writeNotebook(t, filepath.Join(nbDir, "live.ipynb"),
			"import \"github.com/d2l-go/d2l-go/d2l\"\n\nvar netFile = d2l.ParamsFile(\"live\")",
			"%%\nd2l.Seed(0)\ntrain, test := d2l.LoadDataFashionMNIST(64, d2l.DataLimit(1024))\nnet := d2l.LeNet()\n"+
				"res := d2l.TrainCh6(net, train, test, 1000, 0.9, d2l.TryGPU())\nd2l.SaveParams(net, netFile, res.String())",
			"%%\nnet := d2l.LeNet()\nfmt.Println(\"载入\", d2l.LoadParams(net, netFile))")
		openNotebook(t, ctx, srv, "notebooks/live.ipynb")
		defer closeNotebook(ctx)
		runCells(t, ctx, time.Minute, 0)
		evalJS(t, ctx, `Jupyter.notebook.execute_cells([1]), true`, new(bool))
		start := time.Now()
		seen := map[string]bool{}
		var firstFigure time.Duration
		var interrupted bool
		waitFor(t, ctx, 4*time.Minute, func() bool {
			var fig struct {
				Running bool
				Sig     string
			}
			evalJS(t, ctx, `(() => {
				const c = Jupyter.notebook.get_cell(1);
				const figs = c.output_area.element[0].querySelectorAll('img, svg');
				const e = figs[figs.length - 1];
				const s = e ? (e.src || e.outerHTML) : '';
				let h = 5381;
				for (let i = 0; i < s.length; i++) h = ((h * 33) ^ s.charCodeAt(i)) | 0;
				return {Running: c.input_prompt_number === '*', Sig: s ? s.length + ':' + h : ''};
			})()`, &fig)
			if fig.Running && fig.Sig != "" {
				if firstFigure == 0 {
					firstFigure = time.Since(start)
				}
				seen[fig.Sig] = true
			}
			if len(seen) >= 3 && !interrupted {
				evalJS(t, ctx, `Jupyter.notebook.kernel.interrupt(), true`, new(bool))
				interrupted = true
			}
			return interrupted && !fig.Running
		})
		t.Logf("first figure %.1f s after the cell was run (GoNB's build included)", firstFigure.Seconds())
		assert.GreaterOrEqual(t, len(seen), 3, "the plot must be redrawn in place while training runs")
		out := cellText(t, ctx, 1)
		assert.Regexp(t, `训练在第 \d+/1000 轮的第 \d+/16 个批量后停止（■）`, out)
		assert.Regexp(t, `(?m)^(loss \d\.\d{3}, train acc \d\.\d{3}, test acc (未计算（第一轮没有训练完）|\d\.\d{3})|还没有训练任何批量：没有损失和精度)$`, out)
		assert.NotContains(t, out, "NaN")
		assert.NotContains(t, out, "exit status")
		assert.NotContains(t, out, "signal: interrupt")
		var final struct {
			Figures int
			PNG     bool
		}
		evalJS(t, ctx, `(() => { const el = Jupyter.notebook.get_cell(1).output_area.element[0];
			const outs = Jupyter.notebook.get_cell(1).output_area.outputs.filter(o => o.data);
			return {Figures: el.querySelectorAll('img, svg').length, PNG: outs.length > 0 && outs.every(o => 'image/png' in o.data)}; })()`, &final)
		assert.Equal(t, 1, final.Figures, "one plot, updated in place, not one per update")
		assert.True(t, final.PNG, "the final plot is stored with a PNG form")
		screenshot(t, ctx, filepath.Join(shots, "run-live-plot-interrupted.jpg"))

		runCells(t, ctx, 2*time.Minute, 2)
		checkNoErrors(t, ctx)
		loaded := cellText(t, ctx, 2)
		assert.Regexp(t, `^载入 \d{4}-\d\d-\d\d \d\d:\d\d 保存的参数（第 \d+/1000 轮训练了 \d+/16 个批量时停止, (还没有完整训练一轮|完整训练了 \d+ 轮, 测试精度 \d\.\d{3})）\n$`, loaded)
	})
}

// writeNotebook writes a notebook of code cells, as a student's new notebook for the d2l-go
// kernel.
func writeNotebook(t *testing.T, path string, cells ...string) {
	t.Helper()
	nb := notebook.New(map[string]any{"kernelspec": map[string]any{"name": harness.KernelName, "display_name": harness.KernelDisplayName, "language": "go"}})
	for i, src := range cells {
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Code, ID: fmt.Sprintf("cell%d", i), Source: src, Metadata: map[string]any{}})
	}
	require.NoError(t, notebook.WriteFile(path, nb))
}

// cellText returns what the code cell at index i (counting from the end when negative)
// printed, stdout and stderr, as Jupyter shows it.
func cellText(t *testing.T, ctx context.Context, i int) string {
	t.Helper()
	var out string
	evalJS(t, ctx, fmt.Sprintf(`(() => { const cs = Jupyter.notebook.get_cells(); const i = %d;
		return cs[i < 0 ? cs.length + i : i].output_area.outputs.map(o => o.text || '').join(''); })()`, i), &out)
	return out
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}

// requireProgram finds the first of names on PATH, or skips the test (fails it in CI).
func requireProgram(t *testing.T, what, install string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if harness.InCI() {
		t.Fatalf("CI=%s: %s is missing (%s)", os.Getenv("CI"), what, install)
	}
	t.Skipf("skipping the browser test: %s is missing (%s)", what, install)
	return ""
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// server is a running Jupyter Notebook server.
type server struct{ host, token string }

// page returns the URL of the notebook page of path, relative to the served folder.
func (s server) page(path string) string { return s.host + "/notebooks/" + path + "?token=" + s.token }

// startJupyter runs a Jupyter Notebook server on a free port of 127.0.0.1 serving dir, with
// its own data, config and runtime directories; the server and its kernels are stopped
// when the test ends.
func startJupyter(t *testing.T, jupyter string, tools harness.Tools, data, state, dir string) server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	token := hex.EncodeToString(tok)
	cmd := exec.Command(jupyter, "--no-browser", "--allow-root", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port),
		"--port-retries=0", "--NotebookApp.token="+token, "--notebook-dir="+dir)
	cmd.Env = append(tools.Env(data), "JUPYTER_CONFIG_DIR="+filepath.Join(state, "config"), "JUPYTER_RUNTIME_DIR="+filepath.Join(state, "runtime"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logPath := filepath.Join(state, "server.log")
	require.NoError(t, os.MkdirAll(state, 0o755))
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the server and every kernel it started
		_ = logFile.Close()
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/api/status?token=" + token)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("Jupyter Notebook did not start within 60 s: %v\n%s", err, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return server{base, token}
}

// newBrowser starts headless Chromium; it is stopped when the test ends.
func newBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000), chromedp.Flag("lang", "zh-CN"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")), "starting Chromium")
	return ctx
}

// evalJS evaluates a JavaScript expression in the page (awaiting it when it is a promise)
// and decodes its value into res.
func evalJS(t *testing.T, ctx context.Context, expr string, res any) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	raw, err := chromedp.Run(c, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "evaluating %.80s", expr)
	require.NoError(t, json.Unmarshal(raw, res), "decoding the value of %.80s: %s", expr, raw)
}

// waitJS polls a boolean JavaScript expression until it is true, or fails after timeout.
func waitJS(t *testing.T, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		evalJS(t, ctx, "(() => { try { return !!("+expr+"); } catch (e) { return false; } })()", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// openNotebook opens path (relative to the served folder) and waits until the notebook is
// rendered and its kernel is ready. Autosave is turned off.
func openNotebook(t *testing.T, ctx context.Context, srv server, path string) {
	t.Helper()
	u := srv.page(path)
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(c, chromedp.Navigate(u)), "opening %s", path)
	waitJS(t, ctx, "the notebook to load", `window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded`, 60*time.Second)
	waitJS(t, ctx, "the kernel to be ready", `Jupyter.notebook.kernel && Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.language_info`, 60*time.Second)
	evalJS(t, ctx, `Jupyter.notebook.set_autosave_interval(0), true`, new(bool))
}

// closeNotebook shuts the notebook's kernel down and leaves the page without saving.
func closeNotebook(ctx context.Context) {
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_ = chromedp.Do(c, chromedp.Evaluate[chromedp.Void](`window.onbeforeunload = null; Jupyter.notebook.session.delete(); true`),
		chromedp.Navigate("about:blank"))
}

// figure is a rendered figure of an output area.
type figure struct {
	Tag         string
	W, H        float64
	NaturalW    float64
	Class       string
	OutputIndex int
}

// checkFigures checks every display output of nb that has an image: it must be drawn as
// an image of non-zero size, at the width its metadata asks for, and no output may show
// SVG or HTML source as text.
func checkFigures(t *testing.T, ctx context.Context, nb *notebook.Notebook) {
	t.Helper()
	var want []float64 // the width each figure should have (0: any)
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type != notebook.DisplayData && o.Type != notebook.ExecuteResult {
				continue
			}
			if _, ok := o.Data["image/png"]; !ok {
				assert.NotContains(t, o.Data, "image/svg+xml", "cell %s: a figure without a PNG form is not shown by an untrusted notebook", c.ID)
				continue
			}
			w := 0.0
			if md, ok := o.Metadata["image/png"].(map[string]any); ok {
				w, _ = md["width"].(float64)
			}
			want = append(want, w)
		}
	}
	var figs []figure
	evalJS(t, ctx, `[...document.querySelectorAll('.output_subarea img, .output_subarea svg')].map(e => {
		const r = e.getBoundingClientRect();
		return {Tag: e.tagName, W: r.width, H: r.height, NaturalW: e.naturalWidth || 0, Class: e.closest('.output_subarea').className};
	})`, &figs)
	require.Len(t, figs, len(want), "figures drawn: %+v", figs)
	for i, f := range figs {
		assert.True(t, f.W > 0 && f.H > 0, "figure %d is drawn with size %gx%g", i+1, f.W, f.H)
		if f.Tag == "IMG" {
			assert.Positive(t, f.NaturalW, "figure %d: the image did not load", i+1)
		}
		if want[i] > 0 {
			assert.InDelta(t, want[i], f.W, 1.5, "figure %d is shown at its SVG size, not at the PNG's 2x", i+1)
		}
	}
	var raw []string
	evalJS(t, ctx, `[...document.querySelectorAll('.output_subarea')].map(e => e.innerText).filter(s => /<svg|<\/?div|<img|<rect/.test(s)).map(s => s.slice(0, 120))`, &raw)
	assert.Empty(t, raw, "outputs that show SVG or HTML source as text")
}

var mathRE = regexp.MustCompile(`\$[^$\n]+\$`)

// checkMath waits until MathJax typeset the formulas of the Markdown cells (when nb is nil,
// whenever the page has any) and checks that none failed.
func checkMath(t *testing.T, ctx context.Context, nb *notebook.Notebook) {
	t.Helper()
	if nb != nil {
		hasMath := false
		for _, c := range nb.Cells {
			if c.Type == notebook.Markdown && mathRE.MatchString(c.Source) {
				hasMath = true
			}
		}
		if !hasMath {
			return
		}
	}
	waitJS(t, ctx, "MathJax to typeset the formulas",
		`window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running &&
		 document.querySelectorAll('.text_cell_render .MathJax, .text_cell_render .MathJax_Display, .text_cell_render .MathJax_SVG, .text_cell_render mjx-container').length > 0`,
		60*time.Second)
	var errs int
	evalJS(t, ctx, `document.querySelectorAll('.MathJax_Error, mjx-merror').length`, &errs)
	assert.Zero(t, errs, "formulas MathJax could not typeset")
}

// checkExerciseLink checks that the notebook links to its exercise notebook and that the
// link opens under the same server.
func checkExerciseLink(t *testing.T, ctx context.Context) {
	t.Helper()
	var link struct {
		Href   string
		Status int
	}
	evalJS(t, ctx, `(async () => {
		const a = document.querySelector('.text_cell_render a[href$="-exercises.ipynb"]');
		if (!a) return {Href: '', Status: 0};
		const r = await fetch(a.href);
		return {Href: a.href, Status: r.status};
	})()`, &link)
	require.NotEmpty(t, link.Href, "no link to the section's exercise notebook")
	assert.Equal(t, http.StatusOK, link.Status, "the exercise link %s", link.Href)
}

// runCells runs the code cells at the given indices, in order, and waits until they have run.
func runCells(t *testing.T, ctx context.Context, timeout time.Duration, cells ...int) {
	t.Helper()
	list, _ := json.Marshal(cells)
	evalJS(t, ctx, fmt.Sprintf(`(() => { const cs = %s; cs.forEach(i => Jupyter.notebook.get_cell(i).set_input_prompt('*'));
		Jupyter.notebook.execute_cells(cs); return true; })()`, list), new(bool))
	waitFor(t, ctx, timeout, func() bool {
		var ok bool
		evalJS(t, ctx, fmt.Sprintf(`(() => { try { return %s.every(i => typeof Jupyter.notebook.get_cell(i).input_prompt_number === 'number') &&
			document.querySelector('#kernel_indicator_icon').classList.contains('kernel_idle_icon'); } catch (e) { return false; } })()`, list), &ok)
		return ok
	})
}

// waitFor calls done about every 100 ms until it returns true, or fails after timeout.
func waitFor(t *testing.T, ctx context.Context, timeout time.Duration, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkLayout checks that the page shows every output at its size: no output squeezed into a
// scroll box of its own (Jupyter does so for tall outputs unless told not to), no code cell
// wider than its box (its lines hidden behind a scrollbar), no output wider than the page.
func checkLayout(t *testing.T, ctx context.Context) {
	t.Helper()
	lay := measureLayout(t, ctx)
	assert.Empty(t, lay.Scrolled, "cells whose output is squeezed into a scroll box")
	assert.Empty(t, lay.WideCode, "code cells wider than the page (lines behind a scrollbar)")
	assert.Empty(t, lay.WideOutput, "outputs wider than the page")
}

// layout is what measureLayout finds: the cells (1-based) whose output Jupyter put in a scroll
// box, and the code cells and outputs wider than their box.
type layout struct {
	Scrolled   []int
	WideCode   []string
	WideOutput []string
}

// measureLayout measures the open notebook's layout for checkLayout.
func measureLayout(t *testing.T, ctx context.Context) layout {
	t.Helper()
	var lay layout
	evalJS(t, ctx, `(() => {
		const cells = Jupyter.notebook.get_cells();
		const where = (c, i) => 'cell ' + (i + 1) + (c.input_prompt_number ? ' (In [' + c.input_prompt_number + '])' : '');
		const res = {Scrolled: [], WideCode: [], WideOutput: []};
		cells.forEach((c, i) => {
			if (c.cell_type !== 'code') return;
			if (c.output_area.element[0].classList.contains('output_scroll')) res.Scrolled.push(i + 1);
			const s = c.code_mirror.getScrollInfo();
			if (s.width > s.clientWidth + 1) {
				const long = c.get_text().split(String.fromCharCode(10)).reduce((a, l) => l.length > a.length ? l : a, '');
				res.WideCode.push(where(c, i) + ': ' + s.width + ' > ' + s.clientWidth + ' px: ' + long.slice(0, 100));
			}
			c.output_area.element[0].querySelectorAll('.output_subarea').forEach(sub => {
				if (sub.scrollWidth > sub.clientWidth + 1) res.WideOutput.push(where(c, i) + ': ' + sub.scrollWidth + ' > ' + sub.clientWidth + ' px');
			});
		});
		return res;
	})()`, &lay)
	return lay
}

// checkSVGs draws every SVG figure stored in nb's outputs (what trusted notebooks show; the
// PNG is drawn from the same figure) and checks that nothing is drawn outside the figure's
// box, where it would be cut off, and that every label is readable: at least 10 px high, in a
// colour with enough contrast on white (WCAG's 4.5:1).
func checkSVGs(t *testing.T, ctx context.Context, nb *notebook.Notebook) {
	t.Helper()
	var svgs []string
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			raw, ok := o.Data["image/svg+xml"]
			if !ok {
				continue
			}
			var text any
			require.NoError(t, json.Unmarshal(raw, &text))
			switch v := text.(type) {
			case string:
				svgs = append(svgs, v)
			case []any:
				var sb strings.Builder
				for _, p := range v {
					sb.WriteString(fmt.Sprint(p))
				}
				svgs = append(svgs, sb.String())
			}
		}
	}
	if len(svgs) == 0 {
		return
	}
	list, _ := json.Marshal(svgs)
	var problems []string
	evalJS(t, ctx, `(() => {
		const svgs = `+string(list)+`;
		const box = document.createElement('div');
		box.style.cssText = 'position: absolute; left: 0; top: 0; visibility: hidden;';
		document.body.appendChild(box);
		const lum = c => { const m = c.match(/\d+(\.\d+)?/g).map(Number).slice(0, 3).map(v => v / 255)
			.map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)); return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]; };
		const out = [];
		svgs.forEach((src, k) => {
			box.innerHTML = src;
			const svg = box.querySelector('svg');
			if (!svg) { out.push('figure ' + (k + 1) + ': no <svg>'); return; }
			const w = svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal : {x: 0, y: 0, width: svg.width.baseVal.value, height: svg.height.baseVal.value};
			const b = svg.getBBox();
			const tol = 1;
			if (b.x < w.x - tol || b.y < w.y - tol || b.x + b.width > w.x + w.width + tol || b.y + b.height > w.y + w.height + tol)
				out.push('figure ' + (k + 1) + ': drawn over [' + [b.x, b.y, b.x + b.width, b.y + b.height].map(Math.round) + '], its box is [' + [w.x, w.y, w.x + w.width, w.y + w.height].map(Math.round) + ']');
			svg.querySelectorAll('text').forEach(el => {
				if (!el.textContent.trim()) return;
				const st = getComputedStyle(el);
				const size = parseFloat(st.fontSize);
				const contrast = 1.05 / (lum(st.fill) + 0.05);
				if (size < 10 || contrast < 4.5)
					out.push('figure ' + (k + 1) + ': label ' + JSON.stringify(el.textContent.slice(0, 20)) + ' is ' + size + ' px, contrast ' + contrast.toFixed(1) + ':1');
			});
		});
		box.remove();
		return out;
	})()`, &problems)
	assert.Empty(t, problems, "figures cut off, or with labels too small or too pale to read")
}

// runAll runs every cell and waits until all have run, calling poll (if not nil) about
// every 100 ms meanwhile.
func runAll(t *testing.T, ctx context.Context, timeout time.Duration, poll func()) {
	t.Helper()
	evalJS(t, ctx, `Jupyter.notebook.execute_all_cells(), true`, new(bool))
	done := `Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').every(c => typeof c.input_prompt_number === 'number') &&
		document.querySelector('#kernel_indicator_icon').classList.contains('kernel_idle_icon')`
	deadline := time.Now().Add(timeout)
	for {
		if poll != nil {
			poll()
		}
		var ok bool
		evalJS(t, ctx, "(() => { try { return !!("+done+"); } catch (e) { return false; } })()", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cells did not finish within %s", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkNoErrors checks that no cell has an error output or a panic in its streams.
func checkNoErrors(t *testing.T, ctx context.Context) {
	t.Helper()
	var errs []string
	evalJS(t, ctx, `Jupyter.notebook.get_cells().flatMap((c, i) => c.cell_type !== 'code' ? [] :
		c.output_area.outputs.filter(o => o.output_type === 'error' || (o.output_type === 'stream' && /panic:|--- FAIL|exit status/.test(o.text)))
		.map(o => 'cell ' + (i + 1) + ': ' + (o.ename || o.name) + ': ' + (o.evalue || o.text || '').slice(0, 400)))`, &errs)
	assert.Empty(t, errs)
	var shown int
	evalJS(t, ctx, `document.querySelectorAll('.output_error').length`, &shown)
	assert.Zero(t, shown, "error outputs shown")
}

// screenshot saves the whole notebook as a JPEG.
func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(c, chromedp.Evaluate[chromedp.Void](`(() => { const s = document.createElement('style');
			s.textContent = '#site { height: auto !important; overflow: visible !important; } body { overflow: visible !important; }';
			document.head.appendChild(s); return document.documentElement.scrollHeight; })()`))
	time.Sleep(500 * time.Millisecond) // let the page lay itself out again at full height
	var buf []byte
	if err == nil {
		buf, err = chromedp.Run(c, chromedp.FullScreenshot(85))
	}
	if assert.NoError(t, err, "screenshot") {
		assert.NoError(t, os.WriteFile(path, buf, 0o644))
	}
}

// solutionCell turns a reference solution file into the cell a student would write: the
// file without its package clause, with imports of the solutions module pointed at the
// exercises module.
func solutionCell(src string) string {
	src = strings.ReplaceAll(src, `"github.com/d2l-go/d2l-go/solutions/`, `"github.com/d2l-go/d2l-go/exercises/`)
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "package ") {
			return strings.TrimLeft(strings.Join(lines[i+1:], "\n"), "\n")
		}
	}
	return src
}
