// Package browser holds the test that looks at the notebooks as a student sees them: in
// Jupyter Notebook, in a real browser (headless Chromium driven by chromedp).
//
// The test starts a Jupyter Notebook server on 127.0.0.1 with the GoNB kernel, in a fresh
// Jupyter data directory (so that no notebook is trusted, as for a freshly cloned
// repository), serving a copy of notebooks/ (so that nothing it runs can change the
// committed files). It then:
//
//   - opens every committed notebook without running it and checks that every figure is
//     drawn as an image of non-zero size at its intended size, that no output shows raw
//     SVG or HTML as text, that MathJax rendered the formulas, that the link to the
//     section's exercises opens, and that the notebook is not marked as changed once its
//     kernel is ready;
//   - runs all cells of 6.2 and of the 6.3 exercise notebook (its solution cells filled
//     with the reference solutions) and checks that no cell has an error output;
//   - runs a short LeNet training cell made for the test and checks that its live plot
//     changes in place while training runs and ends as an image.
//
// Screenshots of each notebook go to build/browser/ for people to look at. Without
// Chromium or Jupyter the test is skipped with one line; with $CI set it fails instead.
package browser
