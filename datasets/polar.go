package datasets

import (
	"fmt"
	"math"
	"slices"
)

// Polar returns the polar transform of a set of one-channel images, the
// input of the rotation-invariant MNIST experiment of the paper: a rotation
// of the image about its centre becomes a cyclic shift of the output along
// its second axis, so a shift-invariant (1-D multichannel) network sees
// rotations as shifts.
//
// Each sample of s has shape [1,H,W]; each output sample has shape
// [radii, angles] (C×T), row-major: value [c][t] is at index c*angles+t.
// For each of the T angles θ_t in linspace(0°, 360°, T) (NumPy's linspace:
// both ends included, θ_t = t·360°/(T−1), so the last angle, 360°, repeats
// the first; θ_0 = 0° when T = 1) the image is rotated counter-clockwise
// by θ_t as it is displayed (row 0 at the top), the direction of
// scipy.ndimage.rotate, PIL's Image.rotate and np.rot90, about its centre
// ((W−1)/2, (H−1)/2) in (column, row) pixel coordinates.
// Row H/2 (integer division: row 14 of 28) of the rotated image is then read
// at the C columns linspace(0, W/2, C) truncated to integers (0, 1, …, 14
// for C = 15 on MNIST).
//
// Only those C points are computed: the value at a point p of the rotated
// image is the value of the original at p rotated clockwise by θ_t about
// the centre, interpolated bilinearly from its four neighbouring pixels,
// with pixels outside the image taken as 0. This agrees to 1e-14 with
// scipy.ndimage.rotate(img, θ, reshape=False, order=1, mode='grid-constant');
// scipy's default mode='constant' differs only at column 0, whose rotated
// points can fall a hair outside the image, and not at all when the border
// pixels are 0, as in MNIST. Rotations by multiples of 90° use exact sines
// and cosines, so they agree exactly with np.rot90.
//
// The result is named s.Name+"/polar" and keeps the labels and classes of s
// (copied). Polar returns an error if a sample of s is not a 1×H×W image, if
// len(s.X) does not match the shape and the labels, or if radii or angles is
// less than 1.
func Polar(s *Set, radii, angles int) (*Set, error) {
	if len(s.Shape) != 3 || s.Shape[0] != 1 || s.Shape[1] < 1 || s.Shape[2] < 1 {
		return nil, fmt.Errorf("datasets: %s: polar transform needs 1×H×W images, have shape %v", s.Name, s.Shape)
	}
	if radii < 1 || angles < 1 {
		return nil, fmt.Errorf("datasets: %s: polar transform needs radii and angles >= 1, have %d and %d", s.Name, radii, angles)
	}
	if len(s.X) != s.Len()*s.Dim() {
		return nil, fmt.Errorf("datasets: %s: %d values, want %d samples × %d", s.Name, len(s.X), s.Len(), s.Dim())
	}
	h, w := s.Shape[1], s.Shape[2]
	cx, cy := float64(w-1)/2, float64(h-1)/2
	row := float64(h / 2)
	cols := polarCols(w/2, radii)

	// src[(t*radii+c)*2 : +2] is the (column, row) in the original image
	// that output [c][t] reads; it is the same for every sample.
	src := make([]float64, 2*angles*radii)
	for t := range angles {
		sin, cos := polarSincos(polarLinspace(360, angles, t))
		for c, col := range cols {
			// (u, v): the sampled point relative to the centre, v pointing up.
			u, v := float64(col)-cx, cy-row
			// Rotate it clockwise by θ to find where it came from.
			su, sv := u*cos+v*sin, -u*sin+v*cos
			src[2*(t*radii+c)] = cx + su
			src[2*(t*radii+c)+1] = cy - sv
		}
	}

	n, d := s.Len(), radii*angles
	out := &Set{
		Name:    s.Name + "/polar",
		X:       make([]float64, n*d),
		Shape:   []int{radii, angles},
		Labels:  slices.Clone(s.Labels),
		Classes: slices.Clone(s.Classes),
	}
	for i := range n {
		img := s.X[i*h*w : (i+1)*h*w]
		dst := out.X[i*d : (i+1)*d]
		for t := range angles {
			for c := range radii {
				k := t*radii + c
				dst[c*angles+t] = polarBilinear(img, h, w, src[2*k], src[2*k+1])
			}
		}
	}
	return out, nil
}

// polarLinspace returns element i of NumPy's linspace(0, stop, n):
// i·(stop/(n−1)), the last element exactly stop, and 0 when n is 1.
func polarLinspace(stop float64, n, i int) float64 {
	if n == 1 {
		return 0
	}
	if i == n-1 {
		return stop
	}
	return float64(i) * (stop / float64(n-1))
}

// polarCols returns linspace(0, stop, n) truncated to integers.
func polarCols(stop, n int) []int {
	v := make([]int, n)
	for i := range v {
		v[i] = int(polarLinspace(float64(stop), n, i))
	}
	return v
}

// polarSincos returns the sine and cosine of deg degrees, exact when deg is a
// multiple of 90.
func polarSincos(deg float64) (sin, cos float64) {
	if q := deg / 90; q == math.Trunc(q) && math.Abs(q) < 1<<52 {
		switch int64(q) & 3 {
		case 0:
			return 0, 1
		case 1:
			return 1, 0
		case 2:
			return 0, -1
		default:
			return -1, 0
		}
	}
	return math.Sincos(deg * math.Pi / 180)
}

// polarBilinear interpolates the h×w row-major image img at column x and
// row y, taking pixels outside the image as 0.
func polarBilinear(img []float64, h, w int, x, y float64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	if x0 < -1 || y0 < -1 || x0 >= float64(w) || y0 >= float64(h) {
		return 0 // all four neighbours are outside
	}
	fx, fy := x-x0, y-y0
	j, i := int(x0), int(y0)
	at := func(i, j int) float64 {
		if i < 0 || i >= h || j < 0 || j >= w {
			return 0
		}
		return img[i*w+j]
	}
	return (1-fy)*((1-fx)*at(i, j)+fx*at(i, j+1)) +
		fy*((1-fx)*at(i+1, j)+fx*at(i+1, j+1))
}
