package autocode

import (
	"math"
	"math/rand/v2"
	"sync"
)

// softmax is a multinomial logistic regression over k classes on sparse
// binary features (each sample's features weigh 1/√n, n its number of
// features), trained by stochastic gradient descent with AdaGrad steps and
// L2 regularisation.
type softmax struct {
	k    int
	w    []float32 // feature f, class c at f*k + c
	bias []float32
}

// sample is one training example: its features and the target
// distribution over the classes (a coding under two classes is half each).
type sample struct {
	features []int32
	target   []float32
}

type trainConfig struct {
	epochs int
	rate   float64 // AdaGrad's base step
	l2     float64
	seed   uint64
}

var defaultTraining = trainConfig{epochs: 20, rate: 0.5, l2: 1e-4, seed: 1}

// trainSoftmax fits k classes over nFeatures features. It is deterministic:
// the samples are shuffled with the config's seed.
func trainSoftmax(samples []sample, k, nFeatures int, cfg trainConfig) *softmax {
	m := &softmax{k: k, w: make([]float32, nFeatures*k), bias: make([]float32, k)}
	if k < 2 || len(samples) == 0 {
		return m
	}
	g := make([]float32, nFeatures*k) // AdaGrad's sums of squared gradients
	gb := make([]float32, k)
	order := make([]int, len(samples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.seed, 0x9e3779b97f4a7c15))
	p := make([]float64, k)
	for range cfg.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			s := samples[i]
			x := weight(len(s.features))
			m.probabilities(s.features, p)
			for c := range k {
				grad := p[c] - float64(s.target[c])
				gb[c] += float32(grad * grad)
				m.bias[c] -= float32(cfg.rate * grad / math.Sqrt(float64(gb[c])+1e-8))
				for _, f := range s.features {
					j := int(f)*k + c
					gw := grad*x + cfg.l2*float64(m.w[j])
					g[j] += float32(gw * gw)
					m.w[j] -= float32(cfg.rate * gw / math.Sqrt(float64(g[j])+1e-8))
				}
			}
		}
	}
	return m
}

func weight(n int) float64 {
	if n == 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(n))
}

// probabilities writes the class probabilities of a sample into p (len k).
func (m *softmax) probabilities(features []int32, p []float64) {
	x := weight(len(features))
	top := math.Inf(-1)
	for c := range m.k {
		z := float64(m.bias[c])
		for _, f := range features {
			z += float64(m.w[int(f)*m.k+c]) * x
		}
		p[c] = z
		top = max(top, z)
	}
	var sum float64
	for c := range m.k {
		p[c] = math.Exp(p[c] - top)
		sum += p[c]
	}
	for c := range m.k {
		p[c] /= sum
	}
}

// classifier gives class probabilities of a sample's features.
type classifier interface {
	probabilities(features []int32, p []float64)
}

// bag is several regressions trained with different seeds; its
// probabilities are their mean.
type bag []*softmax

func (b bag) probabilities(features []int32, p []float64) {
	q := make([]float64, len(p))
	clear(p)
	for _, m := range b {
		m.probabilities(features, q)
		for i := range p {
			p[i] += q[i] / float64(len(b))
		}
	}
}

// trainBag trains n regressions in parallel, each with its own seed (the
// order its samples are shown in); with n = 1, one, as it is.
func trainBag(samples []sample, k, nFeatures int, cfg trainConfig, n int) classifier {
	if n <= 1 {
		return trainSoftmax(samples, k, nFeatures, cfg)
	}
	out := make(bag, n)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := cfg
			c.seed = cfg.seed + uint64(i)*7919
			out[i] = trainSoftmax(samples, k, nFeatures, c)
		}()
	}
	wg.Wait()
	return out
}
