// Package browser holds the test that looks at the notebooks as a student sees them: in
// Jupyter Notebook, in a real browser (headless Chromium driven by chromedp).
//
// The test starts a Jupyter Notebook server on 127.0.0.1 with the d2l-go kernel, in a fresh
// Jupyter data directory (so that no notebook is trusted, as for a freshly cloned
// repository), serving a copy of notebooks/ (so that nothing it runs can change the
// committed files). It then:
//
//   - opens every committed notebook without running it and checks that every figure is
//     drawn as an image of non-zero size at its intended size, that no output shows raw
//     SVG or HTML as text, that MathJax rendered the formulas, that the link to the
//     section's exercises opens, that the notebook is not marked as changed once its
//     kernel is ready, and that everything fits the page: no output squeezed into a scroll
//     box of its own, no code line hidden behind a scrollbar, no figure cut off, drawn beyond
//     its box or labelled too small or too pale;
//   - checks that Jupyter's file list of notebooks/ holds notebooks only;
//   - runs all cells of 6.2, of 6.3 with a cell added that draws a big input (it must fit),
//     and of the 6.3 exercise notebook (its solution cells filled with the reference
//     solutions), and checks that no cell has an error output;
//   - runs, in the 6.3 exercise notebook, only the preparation cell, one solution cell and
//     %test, as a student who solved one exercise: it passes, the others are "not run yet";
//   - in a new notebook (no setup cell), runs a d2l call with a bad argument, which must show
//     the one-line message and the line of the notebook that made it and nothing else, and a
//     runtime error of the notebook's own, which keeps Go's trace;
//   - runs a LeNet training: its plot appears at once and changes in place, Jupyter's
//     interrupt (■) stops it after the running batch with the figures so far, and the next
//     cell loads the parameters saved after the interrupt and says which run they are.
//
// Screenshots of each notebook go to build/browser/ for people to look at. Without
// Chromium or Jupyter the test is skipped with one line; with $CI set it fails instead.
package browser
