package d2l

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/janpfeifer/gonb/gonbui"
)

// ImagesSVG draws grey images in a grid of numRows x numCols with a title (one or more lines
// separated by "\n") above each, as the book's show_images: imgs are [h, w] or [1, h, w]
// tensors with values in [0, 1] (0 black, 1 white), drawn scale times their size. It returns the
// SVG; the images are embedded as PNG.
func ImagesSVG(imgs []*tensors.Tensor, numRows, numCols int, titles []string, scale int) string {
	const fn = "d2l.ImagesSVG"
	if numRows < 1 || numCols < 1 {
		fail(fn, "numRows/numCols", "both >= 1", "%d x %d", numRows, numCols)
	}
	if scale < 1 {
		scale = 1
	}
	if len(imgs) > numRows*numCols {
		imgs = imgs[:numRows*numCols]
	}
	maxLines := 0
	for _, t := range titles {
		maxLines = max(maxLines, strings.Count(t, "\n")+1)
	}
	const lineH, gap = 13.0, 8.0
	cellW, cellH := 0.0, 0.0
	pngs := make([]string, len(imgs))
	sizes := make([][2]int, len(imgs))
	for i, t := range imgs {
		d := checkTensor(fn, fmt.Sprintf("imgs[%d]", i), t, "[h, w] or [1, h, w]", 2, 3)
		if len(d) == 3 && d[0] != 1 {
			fail(fn, fmt.Sprintf("imgs[%d]", i), "[h, w] or [1, h, w]", "shape %v", d)
		}
		h, w := d[len(d)-2], d[len(d)-1]
		pngs[i] = greyPNG(values(t), h, w)
		sizes[i] = [2]int{h * scale, w * scale}
		cellW = max(cellW, float64(w*scale))
		cellH = max(cellH, float64(h*scale))
	}
	cellW = max(cellW, 64)
	titleH := float64(maxLines) * lineH
	totalW := float64(numCols) * (cellW + gap)
	totalH := float64(numRows) * (cellH + titleH + gap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`,
		totalW, totalH, totalW, totalH)
	fmt.Fprintf(&b, `<rect width="%.0f" height="%.0f" fill="white"/>`, totalW, totalH)
	for i := range imgs {
		r, c := i/numCols, i%numCols
		x0 := float64(c)*(cellW+gap) + gap/2
		y0 := float64(r)*(cellH+titleH+gap) + gap/2
		if i < len(titles) {
			for k, line := range strings.Split(titles[i], "\n") {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x0+cellW/2, y0+lineH*float64(k+1)-3, svgEscape(line))
			}
		}
		fmt.Fprintf(&b, `<image x="%.1f" y="%.1f" width="%d" height="%d" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`,
			x0+(cellW-float64(sizes[i][1]))/2, y0+titleH, sizes[i][1], sizes[i][0], pngs[i])
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// greyPNG encodes h x w values in [0, 1] as a base64 grey PNG.
func greyPNG(v []float32, h, w int) string {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i, x := range v {
		x = min(max(x, 0), 1)
		img.SetGray(i%w, i/w, color.Gray{Y: uint8(x*255 + 0.5)})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// ShowImages displays ImagesSVG(imgs, numRows, numCols, titles, 2) in a GoNB notebook
// (show_images); outside a notebook it does nothing.
func ShowImages(imgs []*tensors.Tensor, numRows, numCols int, titles []string) {
	svg := ImagesSVG(imgs, numRows, numCols, titles, 2)
	if gonbui.IsNotebook {
		gonbui.DisplaySVG(svg)
	}
}

// PredictCh6 classifies the first n images of the test iterator with net and shows them in a
// grid titled "true\npred" (the book's predict_ch3 for LeNet): it returns the true and the
// predicted text labels, and prints how many of the n are right.
func PredictCh6(net *Sequential, testIter *DataIter, n int) (trues, preds []string) {
	const fn = "d2l.PredictCh6"
	if net == nil || testIter == nil {
		fail(fn, "net/testIter", "a network and a test iterator", "nil")
	}
	if n < 1 || n > testIter.NumExamples() {
		fail(fn, "n", fmt.Sprintf("1 <= n <= %d", testIter.NumExamples()), "%d", n)
	}
	imgs := make([]*tensors.Tensor, n)
	labels := make([]int, n)
	for i := range n {
		imgs[i], labels[i] = testIter.Example(i)
	}
	X := Stack(0, imgs...)
	preds = GetFashionMNISTLabels(Argmax(net.Forward(X)))
	trues = GetFashionMNISTLabels(labels)
	titles := make([]string, n)
	right := 0
	for i := range n {
		titles[i] = trues[i] + "\n" + preds[i]
		if trues[i] == preds[i] {
			right++
		}
	}
	ShowImages(imgs, (n+7)/8, min(n, 8), titles)
	Print(fmt.Sprintf("%d of %d test images classified correctly", right, n))
	return trues, preds
}
