// Package grader builds the student stubs of the chapter 6 exercises from the
// reference solutions and grades submissions (edited Go files or edited
// exercise notebooks) with public and hidden tests, each test in its own
// sandboxed process under a hard timeout.
//
// Sources (see solutions/doc.go): solutions/secNN holds the reference code with
// solution regions, the public tests and README.md (questions, reference
// answers, rubrics); internal/grader/hidden/secNN holds the hidden tests.
// Tests are external test packages (package secNN_test); every test function
// carries a directive `//d2l:test <exercise> points=<n>`.
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
// # Where each part of the trust boundary is
//
//   - What runs student code: sandbox.go (bubblewrap, the limits), jail.go
//     (the chroot jail of containers), users.go (a user of its own per
//     submission), build.go (the sandboxed go command of a build, the
//     prepared snapshot, the trusted build cache and its clones), run.go
//     (one test process, its descriptors and output).
//   - What decides a verdict: verdict.go (the evidence a pass needs, what a
//     test's result shows), rules.go with vetrules/ (the rules a question
//     states and the check of the catalog's tests, run by go vet in the
//     build's sandbox), submission.go (what a submission may contain:
//     CheckSource), the tests in external test packages (solutions/secNN,
//     hidden/secNN) and testutil's blind reports.
//   - What reads student files without running them: submission.go
//     (LoadSubmission: regular files only, sizes bounded, zips through
//     internal/safezip), notebook.go (solution and answer cells),
//     similarity.go with internal/similarity (go/scanner tokens, never
//     compiled), and, on the teacher's side, internal/lms (an LMS's bulk
//     download through safezip, into plain folder names).
//   - What writes reports: class.go (the output folder: records, rebuilt
//     reports), feedback.go (feedback.md, gradebook.csv, results.json),
//     manual.go and manualpages.go (manual_scores.csv, the pages for grading
//     by question), stats.go, similarity.go, export.go (Canvas and Moodle
//     gradebooks), roster.go, escape.go (everything a student controls shown
//     as text), report.go, shard.go, gradescope.go.
//
// # Defences
//
//   - Static allowlist (CheckSource): every submitted .go file, whatever its
//     name or build constraints, is parsed, and one that does not parse is
//     rejected with the parser's message; it may import only pure standard
//     packages (math, sort, strings, fmt, time, …) and the project packages
//     the section's reference imports, and from d2l and gomlx's tensors only
//     listed identifiers (layers, not data loaders or backends). No os, io/fs,
//     embed, flag, testing, runtime, reflect, unsafe, syscall, plugin, C, net;
//     no directive but //go:build, //go:noinline and //go:nosplit in any
//     comment (go/scanner finds them past a byte order mark, CRLF line ends
//     or in block comments); its package clause is the section's. A rejected
//     file costs only its exercise, with a note naming the import and the
//     allowed list. Without os, flag and testing the code cannot reach
//     os.Args, the test flags, file descriptors or the exit status.
//   - Tests outside the student's package: public and hidden tests are
//     external test packages (package secNN_test) that call the exercise's
//     functions and compute what they expect themselves (or with the
//     reference, compiled into the test binary as its own package: hidden
//     tests import solutions/secNN); a submission's file cannot name anything
//     they declare. The rules check proves it on the snapshot before any
//     submission is graded: a test may use of the section's package only the
//     functions and types of its exercise files (never a variable or constant
//     the student's code could set), and a hidden test nothing a public test
//     declares. The comparison stays in the test process, beside the
//     student's code, rather than in the grader: the tests pass structured
//     values (tensors, networks) that would need a serialisation per type,
//     and with the import allowlist the student's code can reach neither the
//     test package nor the process's descriptors.
//   - Rules on meaning (rules.go, vetrules): a question's forbid= list
//     ("grid.Pool2D", "max", "math.Max", a method "pkg.Type.Method") is
//     checked with go/types on the student's package as it is built, inside
//     the build's sandbox: every use of a forbidden object reachable from the
//     exercise's file (calls, function and method values, closures, helpers
//     in other files, dot imports, aliases, generics, package variables and
//     fields, interface methods) breaks it; shadowing never hides a builtin.
//     An exercise is graded only in a package the check checked.
//   - Sandboxed builds (build.go): go vet with the rules check and go test -c
//     of a submission run like its tests, in bubblewrap (or the jail), as the
//     submission's user, under DefaultBuildLimits (2 GiB of address space per
//     process, 128 MiB per file, processes, open files) and BuildTimeout,
//     offline and vendored, seeing only the toolchain, the prepared snapshot
//     and the submission's workspace. A build stopped at a limit fails only
//     the sections (and, after the per-exercise rebuilds, the exercises) it
//     touches, with a note ("the build used more than 2048 MiB of memory").
//     The build cache is a per-submission clone (hard links) of a trusted
//     cache that only builds of the reference write, removed after the
//     submission; the instructor's own cache is never used.
//   - A user of its own (users.go): a root grader runs every sandbox of a
//     submission (build and tests, bubblewrap or the jail) as a user of its
//     own (uid 64000 and up), so processes, threads and their limits never
//     count a neighbour's; after each test every process of that user is
//     killed. A grader that is not root runs its sandboxes as itself.
//   - Sandbox (sandboxCommand): every process that runs student code (the
//     start-up probe and each test) runs under prlimit and bubblewrap: new
//     user, PID, IPC, UTS, cgroup and network namespaces, a new session,
//     --die-with-parent, an empty read-only root holding only the test
//     binary, a minimal /dev, no /proc, a private /tmp of 32 MiB; limits on
//     address space (1.5 GiB), CPU seconds, processes (RLIMIT_NPROC of the
//     submission's user), open files and file size; stdout+stderr kept up to
//     1 MiB (the rest dropped with a note). On timeout or interruption the
//     process group is killed, and with it the sandbox's PID namespace, so no
//     detached child survives or holds the output open.
//   - Jail (Jail, Options.Sandbox = "jail" or "auto"): where bubblewrap cannot
//     create its namespaces (a Docker container such as Gradescope's), a
//     root grader runs each test process under the same prlimit limits,
//     chrooted into a folder holding only its binary (execute-only) and a
//     /tmp it cannot write, as the submission's user (owning no file): no
//     file of the host, no /proc, no /dev. The build runs as that user under
//     the build limits, without a chroot. It has no network or PID namespace:
//     code that got around the allowlist could open a connection, or signal
//     its own user's processes.
//   - Results (runner.runTest, decide): each test runs in its own process,
//     selected by its exact anchored name. It passes only when (1) the kernel
//     reports exit status 0, (2) the injected TestMain wrote "<nonce> 0" to
//     file descriptor 3, the nonce having come on descriptor 4 (never in the
//     environment or a file), and (3) the testing package's test2json framing
//     shows "--- PASS" for exactly that test. Printed text alone never
//     counts. Honest limit: code that got around the allowlist (a compiler
//     bug, an allowed package handing out file access) could forge (2) and
//     (3) from inside its own process; the sandbox still keeps it from
//     reading or changing anything outside.
//   - Feedback that teaches without leaking (verdictOutput): a public test
//     shows its output (got and want: the student has the test). A hidden
//     test never shows what its process printed (the student's code sees its
//     inputs): feedback.md and results.json show what it checks (its doc
//     comment), the reason in the grader's words and the blind notes of
//     testutil's assertions (what was compared, where it first differs, never
//     a value), which the harness writes on descriptor 3. A compile error in
//     a hidden test file is replaced by a sentence.
//   - Snapshot (prepareBuilds): at the start of a run go.mod, go.sum, the
//     reference solutions with their public tests, the hidden tests and the
//     library packages they import are read once and kept, by a hash of
//     their content, in a read-only folder of the grader's cache
//     (Options.CacheDir); every build of the run, per-exercise rebuilds
//     included, uses it and never the live checkout. The tests compute the
//     reference first and hand the student's code its own copies of the
//     inputs.
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
//   - Reports show what students control as text (escape.go): names and
//     notes as one line with control characters escaped (DisplayName), and
//     in Markdown with its punctuation escaped (mdText: feedback.md, the
//     manual grading pages, similarity.md); answers (line ends normalised),
//     compile errors and test output in fenced blocks no line of them can
//     close; code in similarity.html through html/template; cells of every
//     CSV the grader writes (gradebook.csv, manual_scores.csv with its answer
//     excerpts, roster.csv, the Canvas and Moodle exports) that start with =,
//     +, -, @, a tab or a carriage return get a leading single quote
//     (OWASP's CSV injection rule), which ApplyManualScores and ReadRoster
//     read back; results.json asks Gradescope for plain text. stats.md holds
//     no student text at all. Reports are stable: the same submission gets
//     the same feedback.md on every run (no durations, goroutine numbers or
//     addresses).
//   - Offline builds: the builds run with GOPROXY=off on vendored
//     dependencies; before the first one ensureModules loads the reference
//     packages (downloading what is missing with the caller's own GOPROXY) or
//     fails with one line saying to run `go mod download`.
//
// Without a working bwrap (or jail, when asked for), grading refuses to start
// (FindSandbox, FindJail say why and how to install it) unless
// Options.NoSandbox is set (d2l grade -unsafe-no-sandbox); every report then
// says it was graded unconfined.
//
// # Rules, answers, manual scores, shards
//
//   - Rules a question states (`forbid=` in its directive) are checked by
//     the rules check in grading and in `d2l check`; an exercise that breaks
//     one scores 0, with the check's message (file, line, and the chain of
//     calls that reaches the forbidden object).
//   - Free-text answers come from secNN/ANSWERS.md (AnswersTemplate,
//     ParseAnswers; an ANSWERS.md outside a section folder answers items by
//     the ids of its headings) or from the answer cells of the exercise
//     notebooks (ExtractAnswers), and are shown with the rubric in
//     feedback.md, results.json and OUT/manual/<item>.md.
//   - The output folder is a class (class.go): UpdateReports stores each
//     run's results as records (a run of some students or some exercises
//     replaces only those) and rebuilds every report from the records,
//     OUT/manual_scores.csv (the only copy of the manual scores: ManualScoresFile
//     says what grading may change in it), the roster and the late rule
//     (Course), so every report shows the same Totals. ApplyManualScores
//     checks a scores file (every mistake at once) and merges it.
//   - A solution cell of a notebook is compiled with the imports its code
//     uses from the notebook's other cells or the standard library, as GoNB
//     compiled it for %test; every place in the file built from it that a
//     report names is shown as the notebook's cell and line.
//   - `d2l check` (no Reference) scores as grading does, with the catalog's
//     stubs (Catalog.Stubs) where grading has the reference: a file that does
//     not compile costs only its exercise.
//   - Options.Shard grades one shard of a class (Shard.Has: a hash of the
//     folder name); WriteShardManifest records the class, and MergeShards
//     combines the shards' records into the output folder a single run writes.
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
// reference once (`d2l autograde -self-test`), which fills the grader's
// cache (the prepared snapshot and the trusted build cache, in
// /var/cache/d2l-grader) and fails the setup unless it gets full marks. run_autograder runs `d2l
// autograde`, which grades /autograder/submission (a copy of exercises/, a
// folder holding one, the exercise notebooks, the files dragged in one by one
// (Gradescope keeps them side by side), or a zip of any of these) as `d2l grade` grades a
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
