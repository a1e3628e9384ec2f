package app

import (
	"bytes"
	"encoding/binary"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
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

// linkSchemes are the URL schemes openLink opens: web pages and video
// streams.
var linkSchemes = []string{"http", "https", "rtsp"}

// checkLink returns link as a URL when openLink may open it: an http,
// https or rtsp URL naming a host. Anything else the data may hold
// (file:, javascript:, smb:, a path or a command) could read or run
// something on this computer once handed to the system's opener; the
// error says so, in the interface language.
func checkLink(link string) (*url.URL, error) {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || !slices.Contains(linkSchemes, u.Scheme) || u.Host == "" {
		if len(link) > 80 {
			link = link[:77] + "…"
		}
		return nil, textError(lang.L("Only http, https and rtsp links are opened. This link is not one: {{.Link}}", map[string]any{"Link": link}))
	}
	return u, nil
}

// openLink opens a camera's live view or snapshot URL: openCameraLink.
// Tests replace it.
var openLink = openCameraLink

// openCameraLink opens a camera's live view or snapshot URL in the
// system's browser or player. Only http, https and rtsp links are opened
// (see checkLink); any other is refused with a message in the app's
// window.
func openCameraLink(a fyne.App, link string) {
	u, err := checkLink(link)
	if err != nil {
		if ws := a.Driver().AllWindows(); len(ws) > 0 { // the app's window: the last one opened
			showInfo(ws[len(ws)-1], lang.L("Link not opened"), err.Error(), nil)
		} else {
			fyne.LogError("camera link not opened", err)
		}
		return
	}
	if err := a.OpenURL(u); err != nil {
		fyne.LogError("opening camera link", err)
	}
}
