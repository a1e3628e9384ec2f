package app

import (
	"bytes"
	"encoding/binary"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
)

// players are the command-line sound players tried, in order: PipeWire,
// PulseAudio, ALSA.
var players = []string{"pw-play", "paplay", "aplay"}

// playSound plays file (a WAV), or SafetyNet's own alert tone when file is
// empty, with the first sound player installed. It never blocks and never
// fails loudly: a console without sound still shows every alert. Tests
// replace it.
var playSound = func(file string) {
	if file == "" {
		file = alertTone()
	}
	if file == "" {
		return
	}
	for _, p := range players {
		if path, err := exec.LookPath(p); err == nil {
			cmd := exec.Command(path, file)
			if cmd.Start() == nil {
				go cmd.Wait()
			}
			return
		}
	}
}

// alertTone writes the alert tone once per process to the cache folder
// and returns its path ("" when it cannot be written).
var alertTone = sync.OnceValue(func() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "safetynet", "alert.wav")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return ""
	}
	if err := os.WriteFile(path, toneWAV(), 0o644); err != nil {
		return ""
	}
	return path
})

// toneWAV returns a two-pulse alert tone (880 Hz then 660 Hz, 0.18 s
// each) as a 16-bit mono WAV at 22,050 Hz.
func toneWAV() []byte {
	const rate = 22050
	var pcm []int16
	for _, f := range []float64{880, 660, 880, 660} {
		n := rate * 18 / 100
		for i := 0; i < n; i++ {
			env := math.Min(1, math.Min(float64(i), float64(n-i))/200) // no clicks
			pcm = append(pcm, int16(0.45*32767*env*math.Sin(2*math.Pi*f*float64(i)/rate)))
		}
		pcm = append(pcm, make([]int16, rate/20)...)
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(36+2*len(pcm)))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, le, uint32(16))
	binary.Write(&b, le, uint16(1)) // PCM
	binary.Write(&b, le, uint16(1)) // mono
	binary.Write(&b, le, uint32(rate))
	binary.Write(&b, le, uint32(2*rate))
	binary.Write(&b, le, uint16(2))
	binary.Write(&b, le, uint16(16))
	b.WriteString("data")
	binary.Write(&b, le, uint32(2*len(pcm)))
	binary.Write(&b, le, pcm)
	return b.Bytes()
}

// openLink opens a camera's live view or snapshot URL in the system's
// browser or player. Tests replace it.
var openLink = func(a fyne.App, link string) {
	if u, err := url.Parse(link); err == nil {
		a.OpenURL(u)
	}
}
