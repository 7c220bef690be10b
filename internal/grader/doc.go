// Package grader builds the student stubs of the chapter 6 exercises from the
// reference solutions and grades submissions (edited Go files or edited
// exercise notebooks) with public and hidden tests, each test in its own
// sandboxed process under a hard timeout.
//
// Sources (see solutions/doc.go): solutions/secNN holds the reference code with
// solution regions, the public tests and README.md (questions, reference
// answers, rubrics); internal/grader/hidden/secNN holds the hidden tests.
// Every test function carries a directive `//d2l:test <exercise> points=<n>`.
//
// # Threat model
//
// A submission is hostile. Its author may try to get points without solving
// the exercise (forge or skip test results, change the inputs a test later
// hands to the reference), to read what they must not (hidden tests,
// reference solutions, other students' work), to change what they must not
// (other students' files and grades, the reports, the checkout), or to stop
// the grading (kill or stall the grader, exhaust memory, CPU, processes,
// disk or output). The instructor, the checkout and the grader binary are
// trusted. `d2l check` runs a student's own code on their own machine and
// needs none of this.
//
// # Defences
//
//   - Static allowlist (CheckSource): every submitted .go file, whatever its
//     name or build constraints, is parsed; it may import only pure standard
//     packages (math, sort, strings, fmt, time, …) and the project packages
//     the section's reference imports, and from d2l and gomlx's tensors only
//     listed identifiers (layers, not data loaders or backends). No os, io/fs,
//     embed, flag, testing, runtime, reflect, unsafe, syscall, plugin, C, net;
//     no //go: directives but build, noinline and nosplit; no //line. A
//     rejected file costs only its exercise, with a note naming the import
//     and the allowed list. Without os, flag and testing the code cannot reach
//     os.Args, the test flags, file descriptors or the exit status.
//   - Sandbox (sandboxCommand): every process that runs student code (the
//     start-up probe and each test) runs under prlimit and bubblewrap, as
//     nobody when the grader is root: new user, PID, IPC, UTS, cgroup and
//     network namespaces, a new session, --die-with-parent, an empty
//     read-only root holding only the test binary, a minimal /dev, no /proc,
//     a private /tmp of 32 MiB; limits on address space (1.5 GiB), CPU
//     seconds, processes (RLIMIT_NPROC of the sandbox user), open files and
//     file size; stdout+stderr kept up to 1 MiB (the rest dropped with a
//     note). On timeout or interruption the process group is killed, and
//     with it the sandbox's PID namespace, so no detached child survives or
//     holds the output open. Test binaries are compiled outside the sandbox
//     (-trimpath, CGO_ENABLED=0, offline), so they hold no instructor path
//     and need no library.
//   - Jail (Jail, Options.Sandbox = "jail" or "auto"): where bubblewrap cannot
//     create its namespaces (a Docker container such as Gradescope's), a
//     root grader runs each test process under the same prlimit limits,
//     chrooted into a folder holding only its binary (execute-only) and a
//     /tmp it cannot write, as a user of its own (uid 65000 and up, one per
//     submission being graded, owning no file): no file of the host, no
//     /proc, no /dev. After each test every process of that user is killed.
//     It has no network or PID namespace: code that got around the allowlist
//     could open a connection, or signal its own user's processes.
//   - Results (runner.runTest): each test runs in its own process, selected
//     by its exact anchored name. It passes only when (1) the kernel reports
//     exit status 0, (2) the injected TestMain wrote "<nonce> 0" to file
//     descriptor 3, the nonce having come on descriptor 4 (never in the
//     environment or a file), and (3) the testing package's test2json
//     framing shows "--- PASS" for exactly that test. Printed text alone
//     never counts. Honest limit: code that got around the allowlist (a
//     compiler bug, an allowed package handing out file access) could forge
//     (2) and (3) from inside its own process; the sandbox still keeps it
//     from reading or changing anything outside.
//   - Snapshot (takeSnapshot): at the start of a run go.mod, go.sum, the
//     reference solutions with their public tests, the hidden tests and the
//     library packages they import are copied into a read-only folder; every
//     build of the run, per-exercise rebuilds included, uses it and never
//     the live checkout. The hidden tests compute the reference first and
//     hand the student's code deep copies of the inputs.
//   - Input (LoadSubmission, GradeAll, WriteReports): only regular files are
//     read (O_NOFOLLOW|O_NONBLOCK, 1 MiB per source file, 8 MiB per
//     notebook); symbolic links, FIFOs, sockets and devices are skipped with
//     a note. Every student folder gets a gradebook row, with a reason when it
//     was not graded (a symbolic link, …); report folders are named by
//     ReportDir, so no student name collides with gradebook.csv or another
//     student; -out inside -submissions, or the reverse, is refused
//     (CheckFolders); SIGINT/SIGTERM stop the sandboxes and the gradebook of
//     the students finished so far is written. Feedback never shows hidden
//     test file names or their line numbers, workspace, snapshot or
//     checkout paths.
//   - Offline builds: the builds run with GOPROXY=off; before the first one
//     ensureModules loads the reference packages (downloading what is
//     missing with the caller's own GOPROXY) or fails with one line saying
//     to run `go mod download`.
//
// Without a working bwrap (or jail, when asked for), grading refuses to start
// (FindSandbox, FindJail say why and how to install it) unless
// Options.NoSandbox is set (d2l grade -unsafe-no-sandbox); every report then
// says it was graded unconfined.
//
// # Rules, answers, manual scores, shards
//
//   - Rules a question states (`forbid=` in its directive: "grid.Pool2D",
//     "max", ...) are checked on the student's file by CheckRules, in grading
//     and in `d2l check`; a file that breaks one scores 0 for its exercise.
//   - Free-text answers come from secNN/ANSWERS.md (AnswersTemplate,
//     ParseAnswers) or from the answer cells of the exercise notebooks
//     (ExtractAnswers), and are shown with the rubric in feedback.md and
//     results.json. WriteReports writes manual_scores.csv, a template a
//     teacher fills in; ApplyManualScores validates it and merges it into
//     gradebook.csv and results.json.
//   - A solution cell of a notebook is compiled with the imports its code
//     uses from the notebook's other cells or the standard library, as GoNB
//     compiled it for %test.
//   - Options.Shard grades one shard of a class (Shard.Has: a hash of the
//     folder name); WriteShardManifest records the class, and MergeShards
//     combines the shards' outputs into the gradebook a single run writes.
//
// # Gradescope
//
// `d2l release -gradescope autograder.zip` writes the package Gradescope's
// autograder runs, one container per submission, as root: setup.sh,
// run_autograder, MANUAL_QUESTIONS.md (ManualQuestions), a prebuilt static
// d2l, and the files grading reads (GradingFiles: go.mod, go.sum, solutions/,
// the hidden tests, the library packages they import). setup.sh (once, when
// Gradescope builds the image) installs bubblewrap, prlimit and, unless a
// recent enough one is there, the Go of go.mod from go.dev; downloads the
// modules; closes /autograder/source to all but root; and grades the
// reference once (`d2l autograde -self-test`), which fills Go's build cache
// and fails the setup unless it gets full marks. run_autograder runs `d2l
// autograde`, which grades /autograder/submission (a copy of exercises/, a
// folder holding one, or the exercise notebooks) as `d2l grade` grades a
// student, with Options.Sandbox = "auto": bubblewrap where it can create its
// namespaces, else the jail, which Docker's default profile allows. It
// writes /autograder/results/results.json (AutograderResults: one test per
// test function, hidden tests visible after publication, the manual items as
// tests worth 0 points that show the answer, since Gradescope scores them in
// manual questions; execution time; no leaderboard), or, when it cannot
// grade, one with a score of 0 that says why (AutograderFailure; the script
// writes it itself when d2l cannot start). The student's code sees none of
// /autograder: the jail or bubblewrap shows it only its test binary, and it
// never runs as root.
package grader
