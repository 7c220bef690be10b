package grader

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// How a submission is built. The go command that compiles a student's files
// (go vet with the rules check, then go test -c) runs like the tests: in
// bubblewrap (or as the submission's user in the jail), as the submission's
// sandbox user, under DefaultBuildLimits and BuildTimeout, offline, seeing
// only the toolchain, the run's prepared folder (the snapshot, the vendored
// dependencies, the rules check) and the trusted build cache, all read-only,
// and the workspace of that submission. Its build cache is the submission's
// own (GOCACHEPROG: vetrules -cacheprog): it reads the trusted cache, which
// only builds of the reference ever write, and writes its own entries into
// the workspace, thrown away with it, so that no later build reads anything a
// student's build wrote, and the instructor's own cache is never touched.

// vetrulesFiles are the rules check and build cache (vetrules/), built for
// each toolchain by the grader and run by go vet and the go command inside the
// sandbox of a build.
//
//go:embed vetrules/main.go vetrules/cacheprog.go
var vetrulesFiles embed.FS

// vetrulesSource is the content of vetrulesFiles, in order.
var vetrulesSource = func() []byte {
	var b []byte
	for _, name := range []string{"vetrules/main.go", "vetrules/cacheprog.go"} {
		f, err := vetrulesFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		b = append(b, f...)
	}
	return b
}()

// toolchain is the Go that builds the submissions: the one the caller's go
// command selects in the checkout (GOTOOLCHAIN, go.mod's toolchain line).
type toolchain struct {
	GOROOT, GOVERSION, GOOS, GOARCH, GOAMD64, GOARM64 string
	root                                              string // the GOROOT the sandboxes use (a clone when GOROOT is out of their reach)
}

var toolchains sync.Map // dir + environment -> *toolchainResult

type toolchainResult struct {
	once sync.Once
	tc   toolchain
	err  error
}

// findToolchain runs `go env` in dir once per process and environment.
func findToolchain(dir string) (toolchain, error) {
	key := dir + "\x00" + os.Getenv("GOTOOLCHAIN") + "\x00" + os.Getenv("PATH") + "\x00" + os.Getenv("GOROOT")
	v, _ := toolchains.LoadOrStore(key, &toolchainResult{})
	r := v.(*toolchainResult)
	r.once.Do(func() {
		cmd := exec.Command("go", "env", "-json", "GOROOT", "GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM64")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				err = fmt.Errorf("%v: %s", err, firstLine(string(ee.Stderr)))
			}
			r.err = fmt.Errorf("go env: %w", err)
			return
		}
		r.err = json.Unmarshal(out, &r.tc)
		r.tc.root = r.tc.GOROOT
	})
	return r.tc, r.err
}

// buildEnv is the environment of every go command that builds a workspace:
// nothing of the caller's but the toolchain's settings, offline, vendored,
// no cgo, the given build cache and temporary folder.
func (tc toolchain) buildEnv(cache, tmp string) []string {
	env := []string{
		"PATH=" + filepath.Join(tc.root, "bin") + ":/usr/bin:/bin",
		"HOME=" + tmp, "TMPDIR=" + tmp, "GOTMPDIR=" + tmp,
		"GOROOT=" + tc.root, "GOTOOLCHAIN=local", "GOENV=off", "GOTELEMETRY=off",
		"GOCACHE=" + cache, "GOPATH=" + filepath.Join(tmp, "gopath"), "GOMODCACHE=" + filepath.Join(tmp, "gopath", "pkg", "mod"),
		"GOFLAGS=-mod=vendor", "GOWORK=off", "GOPROXY=off", "GOSUMDB=off", "CGO_ENABLED=0",
		"GOOS=" + tc.GOOS, "GOARCH=" + tc.GOARCH,
	}
	if tc.GOAMD64 != "" {
		env = append(env, "GOAMD64="+tc.GOAMD64)
	}
	if tc.GOARM64 != "" {
		env = append(env, "GOARM64="+tc.GOARM64)
	}
	return env
}

// prepared is the folder a grading run builds against, made once for given
// sources and toolchain and kept in the grader's cache (Options.CacheDir):
//
//	src/      the snapshot: go.mod, go.sum, the solutions, the hidden tests and the
//	          library packages they import, read-only
//	ref/      the reference workspace (every section with its tests and harness);
//	          its vendor/ holds every dependency the builds read
//	vetrules  the rules check, built for the toolchain
//	ready     written last
//
// Its name is a hash of everything in it, so a change of the checkout makes
// a new one, and a grading run never reads the live checkout after it started.
type prepared struct {
	dir     string
	src     string
	ref     string
	vettool string
	cache   string // the trusted build cache (CacheDir/gocache): written by reference builds only
	tc      toolchain
}

// grading sources are read once into memory and hashed.
type sources struct {
	files map[string][]byte // path relative to the root (hidden tests under hiddenRelOf) -> content
	hash  string
}

func readSources(l Layout, tc toolchain) (*sources, error) {
	root, err := filepath.Abs(l.Root)
	if err != nil {
		return nil, err
	}
	s := &sources{files: map[string][]byte{}}
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := readRegular(filepath.Join(root, f), 16<<20)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		s.files[f] = b
	}
	hiddenRel := hiddenRelOf(l, root)
	err = walkGradingSources(l, root, func(rel string, b []byte) error {
		if r, ok := strings.CutPrefix(rel, hiddenRel+"/"); ok {
			rel = "internal/grader/hidden/" + r
		}
		s.files[rel] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The READMEs of the sections (the catalog) are not built: they do not count.
	h := sha256.New()
	fmt.Fprintf(h, "d2l-grader prepared v1\n%s %s %s %s %s\n", tc.GOVERSION, tc.GOOS, tc.GOARCH, tc.GOAMD64, tc.GOARM64)
	h.Write(vetrulesSource)
	names := make([]string, 0, len(s.files))
	for n := range s.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s %d\n", n, len(s.files[n]))
		h.Write(s.files[n])
	}
	s.hash = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// DefaultCacheDir is where the grader keeps its prepared folders and trusted
// build cache: /var/cache/d2l-grader for root (the sandbox users must reach
// it), else the user's cache folder.
func DefaultCacheDir() string {
	if os.Geteuid() == 0 {
		return "/var/cache/d2l-grader"
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "d2l-grader")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("d2l-grader-%d", os.Geteuid()))
}

// prepare makes (or finds) the prepared folder for the checkout l under
// cacheDir and returns it, with the snapshot's layout.
func prepareBuilds(ctx context.Context, l Layout, cat *Catalog, cacheDir string, buildTimeout time.Duration) (*prepared, error) {
	root, err := filepath.Abs(l.Root)
	if err != nil {
		return nil, err
	}
	tc, err := findToolchain(root)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cacheDir, 0o711); err != nil {
		return nil, err
	}
	if err := ownedDir(cacheDir); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 && !reachable(cacheDir) {
		if err := os.Chmod(cacheDir, 0o711); err != nil {
			return nil, err
		}
	}
	if os.Geteuid() == 0 && !reachableBy(cacheDir) {
		return nil, fmt.Errorf("%w: the sandbox users cannot enter %s, where the grader keeps its builds; choose a folder every user can enter (Options.CacheDir)", ErrNoSandbox, cacheDir)
	}
	if tc.root, err = sandboxGoroot(tc, cacheDir); err != nil {
		return nil, err
	}
	src, err := readSources(l, tc)
	if err != nil {
		return nil, err
	}
	// The catalog's rules are in the READMEs, which are not built: they count too.
	id := sha256.Sum256([]byte(src.hash + strings.Join(vetArgs(cat, ""), " ")))
	p := &prepared{
		dir: filepath.Join(cacheDir, "prep-"+hex.EncodeToString(id[:16])), cache: filepath.Join(cacheDir, "gocache"), tc: tc,
	}
	p.src, p.ref, p.vettool = filepath.Join(p.dir, "src"), filepath.Join(p.dir, "ref"), filepath.Join(p.dir, "vetrules")
	if err := os.MkdirAll(p.cache, 0o711); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(p.dir+".lock", os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, err
	}
	now := time.Now()
	if fileExists(filepath.Join(p.dir, "ready")) {
		_ = os.Chtimes(filepath.Join(p.dir, "ready"), now, now)
		return p, nil
	}
	removeTree(p.dir) // an unfinished one
	if err := p.make(ctx, l, cat, src, buildTimeout); err != nil {
		removeTree(p.dir)
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(p.dir, "ready"), []byte(now.Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return nil, err
	}
	cleanCacheDir(cacheDir, p.dir)
	return p, nil
}

// reachableBy reports whether every user may enter dir (and each folder above it).
func reachableBy(dir string) bool {
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if info, err := os.Stat(d); err != nil || info.Mode().Perm()&0o001 == 0 {
			return false
		}
	}
	return true
}

// sandboxGoroot returns a GOROOT the sandbox users can read: the toolchain's,
// or, when that is out of their reach (Go's module cache under /root), a copy
// (hard links where the file system allows) kept in the cache folder.
func sandboxGoroot(tc toolchain, cacheDir string) (string, error) {
	if os.Geteuid() != 0 || reachable(tc.GOROOT) {
		return tc.GOROOT, nil
	}
	dst := filepath.Join(cacheDir, "goroot-"+tc.GOVERSION+"-"+tc.GOOS+"-"+tc.GOARCH)
	if fileExists(filepath.Join(dst, ".d2l-complete")) {
		return dst, nil
	}
	lock, err := os.OpenFile(dst+".lock", os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	if fileExists(filepath.Join(dst, ".d2l-complete")) {
		return dst, nil
	}
	removeTree(dst)
	err = filepath.WalkDir(tc.GOROOT, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tc.GOROOT, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(t, to)
		case d.Type().IsRegular():
			return linkOrCopy(p, to, 0o755)
		}
		return nil
	})
	if err != nil {
		removeTree(dst)
		return "", fmt.Errorf("copying the toolchain where the sandboxes can read it: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dst, ".d2l-complete"), nil, 0o644); err != nil {
		return "", err
	}
	return dst, nil
}

// linkOrCopy makes to the same file as from (a hard link), or a copy with
// from's permission bits (within mask) where links cannot be made.
func linkOrCopy(from, to string, mask fs.FileMode) error {
	if err := os.Link(from, to); err == nil {
		return nil
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm()&mask|0o444)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// make fills p.dir: the snapshot, the reference workspace with its vendored
// dependencies, the rules check; then it builds the reference (which fills the
// trusted cache) and checks the catalog's tests with the rules check.
func (p *prepared) make(ctx context.Context, l Layout, cat *Catalog, src *sources, buildTimeout time.Duration) error {
	for rel, b := range src.files {
		if err := writeNew(filepath.Join(p.src, filepath.FromSlash(rel)), b); err != nil {
			return err
		}
	}
	if err := makeReadOnly(p.src); err != nil {
		return err
	}
	snap := NewLayout(p.src)
	// The reference workspace: every section of the reference, with its tests.
	opt := Options{Layout: snap, Catalog: cat, Reference: true, Hidden: true}
	files, err := baseFiles(opt, &Submission{})
	if err != nil {
		return err
	}
	var pkgs []string
	for _, sec := range cat.Sections() {
		pkg, err := sectionFiles(opt, &Submission{}, sec, map[string]*exState{}, &StudentResult{})
		if err != nil {
			return err
		}
		for name, b := range pkg {
			files[sec+"/"+name] = b
		}
		pkgs = append(pkgs, "./"+sec)
	}
	cfg, err := catalogRulesConfig(cat, snap)
	if err != nil {
		return err
	}
	files["rules.json"] = cfg
	if err := writeFiles(p.ref, files); err != nil {
		return err
	}
	// go mod vendor, with the caller's environment: the module cache is theirs.
	vendor := exec.CommandContext(ctx, filepath.Join(p.tc.GOROOT, "bin", "go"), "mod", "vendor")
	vendor.Dir = p.ref
	vendor.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOROOT="+p.tc.GOROOT, "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "GOSUMDB=off", "CGO_ENABLED=0")
	if out, err := vendor.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod vendor in the reference workspace: %v: %s", err, truncate(string(out), 2000))
	}
	goEnv := append(os.Environ(), "GOTOOLCHAIN=local", "GOROOT="+p.tc.GOROOT)
	if err := buildVettoolWith(ctx, filepath.Join(p.tc.GOROOT, "bin", "go"), goEnv, filepath.Join(p.dir, "vetrules-src"), p.vettool); err != nil {
		return err
	}
	// The reference builds, outside any sandbox (it is trusted), into the
	// trusted cache, with the environment of every submission's build.
	tmp := filepath.Join(p.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(p.tc.buildEnv(p.cache, tmp), vetConfigEnv+"="+filepath.Join(p.ref, "rules.json"))
	run := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, buildTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(p.tc.root, "bin", "go"), args...)
		cmd.Dir, cmd.Env = p.ref, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil {
			return stdout.String(), fmt.Errorf("%v: %s", err, truncate(stderr.String(), 4000))
		}
		return stdout.String(), nil
	}
	out, err := run(append(vetArgs(cat, p.vettool), pkgs...)...)
	if err != nil {
		return fmt.Errorf("the rules check of the reference: %w", err)
	}
	findings, checked := parseFindings(out)
	var bad []string
	for _, f := range findings {
		bad = append(bad, fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Msg))
	}
	if len(bad) > 0 {
		return fmt.Errorf("the reference breaks its questions' rules, or the catalog's tests read what a submission controls:\n  %s", strings.Join(bad, "\n  "))
	}
	for _, sec := range cat.Sections() {
		if !checked[ExercisesModule+"/"+sec+"_test"] {
			return fmt.Errorf("the rules check did not check the tests of %s", sec)
		}
	}
	if _, err := run(append([]string{"test", "-c", "-trimpath", "-vet=off", "-tags=" + HiddenTag, "-o", filepath.Join(tmp, "bin") + "/"}, pkgs...)...); err != nil {
		return fmt.Errorf("building the reference: %w", err)
	}
	return nil
}

// cleanCacheDir removes the prepared folders of cacheDir not used for a week
// (but keep) or left unfinished a day ago, each under its lock.
func cleanCacheDir(cacheDir, keep string) {
	old := time.Now().Add(-7 * 24 * time.Hour)
	paths, _ := filepath.Glob(filepath.Join(cacheDir, "prep-*"))
	for _, p := range paths {
		if p == keep || strings.HasSuffix(p, ".lock") {
			continue
		}
		lock, err := os.OpenFile(p+".lock", os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			continue
		}
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			info, err := os.Stat(filepath.Join(p, "ready"))
			dir, derr := os.Stat(p)
			unfinished := err != nil && derr == nil && dir.ModTime().Before(time.Now().Add(-24*time.Hour))
			if err == nil && info.ModTime().Before(old) || unfinished {
				removeTree(p)
			}
		}
		lock.Close()
	}
}

// removeTree removes dir, making its folders writable first (the snapshot is read-only).
func removeTree(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}

// chownTo gives dir to uid (when the grader is root and uid a sandbox user).
func chownTo(path string, uid int) error {
	if uid == noUser {
		return nil
	}
	return os.Lchown(path, uid, uid)
}

// A goCommand runs one go command of a submission's build.
type goCommand struct {
	prep    *prepared
	ws      string // the workspace: the module, with bin/, tmp/ and cache/
	cache   string // the submission's own build cache, layered over the trusted one
	uid     int    // its sandbox user, or noUser
	bwrap   string // bubblewrap, or "" (the jail, or no sandbox)
	jail    bool   // as uid under prlimit, no namespaces
	limits  Limits
	timeout time.Duration
	env     []string // added to the build's environment
}

// run runs go with args in the workspace and returns its standard output and
// its standard error (each kept up to the output limit).
func (c goCommand) run(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tmp := filepath.Join(c.ws, "tmp")
	env := append(c.prep.tc.buildEnv(c.cache, tmp), c.env...)
	env = append(env, "GOCACHEPROG="+quoteArgs(c.prep.vettool, "-cacheprog", c.prep.cache, c.cache))
	goBin := filepath.Join(c.prep.tc.root, "bin", "go")
	var cmd *exec.Cmd
	lim := c.limits
	switch {
	case c.bwrap != "":
		if c.uid == noUser {
			lim.Procs += userThreads()
		}
		a := append(prlimitArgs(lim, c.timeout), "--", c.bwrap,
			"--unshare-all", "--die-with-parent", "--new-session",
			"--dev", "/dev", "--proc", "/proc",
			"--size", strconv.FormatInt(lim.Tmp, 10), "--tmpfs", "/tmp",
			"--ro-bind", c.prep.tc.root, c.prep.tc.root,
			"--ro-bind", c.prep.dir, c.prep.dir,
			"--ro-bind", c.prep.cache, c.prep.cache,
			"--bind", c.ws, c.ws,
			"--chdir", c.ws,
			"--", goBin)
		cmd = exec.Command("prlimit", append(a, args...)...)
		cmd.SysProcAttr = sandboxAttr(c.uid)
	case c.jail:
		cmd = exec.Command("prlimit", append(append(prlimitArgs(lim, c.timeout), "--", goBin), args...)...)
		cmd.SysProcAttr = sandboxAttr(c.uid)
	default:
		cmd = exec.Command(goBin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	cmd.Dir, cmd.Env = c.ws, env
	outBuf := &limitedBuffer{max: lim.Output}
	errBuf := &limitedBuffer{max: lim.Output}
	cmd.Stdout, cmd.Stderr = outBuf, errBuf
	if err := cmd.Start(); err != nil {
		return "", "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err = <-done
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if c.jail {
		killUser(c.uid)
	}
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("the build took more than %s and was stopped", c.timeout)
	}
	return outBuf.head(), errBuf.String(), err
}

// limitNoteRE finds, in the go command's output, a process stopped at a limit.
var limitNoteRE = regexp.MustCompile(`(?i)(out of memory|cannot allocate memory|file size limit exceeded|file too large|cpu time limit exceeded|resource temporarily unavailable)`)

// limitNote says which build limit the output shows was reached, or "".
func limitNote(out string, lim Limits, timeout time.Duration) string {
	m := limitNoteRE.FindString(out)
	switch strings.ToLower(m) {
	case "":
		return ""
	case "out of memory", "cannot allocate memory":
		return fmt.Sprintf("the build used more than %d MiB of memory and was stopped", lim.Memory>>20)
	case "file size limit exceeded", "file too large":
		return fmt.Sprintf("the build wrote a file larger than %d MiB and was stopped", lim.FileSize>>20)
	case "cpu time limit exceeded":
		return fmt.Sprintf("the build used more than %s of CPU time and was stopped", timeout)
	}
	return "the build started more processes than allowed and was stopped"
}

// packageBlocks splits the go command's error output into the blocks each
// package's header ("# import/path [...]") starts, by the package's folder
// in the workspace ("sec65", "fb_sec65_6_5_5").
func packageBlocks(out string) map[string]string {
	blocks := map[string]string{}
	cur := ""
	for _, line := range strings.Split(out, "\n") {
		if h, ok := strings.CutPrefix(line, "# "); ok {
			p, _, _ := strings.Cut(h, " ")
			cur = strings.TrimSuffix(strings.TrimPrefix(p, exercisesPrefix), "_test")
			continue
		}
		if cur != "" {
			blocks[cur] += line + "\n"
		}
	}
	return blocks
}

// quoteArgs joins a command line for GOCACHEPROG, which the go command splits
// at spaces outside quotes.
func quoteArgs(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = a
		if strings.ContainsAny(a, " \t'\"") {
			q[i] = "'" + a + "'"
		}
	}
	return strings.Join(q, " ")
}
