package event

import "strings"

// TextsKey is the property that holds an event's texts in every language
// it carries (a CAP alert with one info per language): a list of objects
// {"language", "title", "description", "instruction"}, in the order they
// came. Title and Description are those of the default choice (see
// ChooseLanguage with no language); Localized picks another.
const TextsKey = "texts"

// Texts are an event's texts in one language.
type Texts struct {
	Language    string `json:"language"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Instruction string `json:"instruction,omitempty"`
}

// Map returns t as the JSON object stored under TextsKey.
func (t Texts) Map() map[string]any {
	m := map[string]any{"language": t.Language}
	for k, v := range map[string]string{"title": t.Title, "description": t.Description, "instruction": t.Instruction} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// normLang lower-cases a language tag and writes "_" as "-" (zh_Hans is
// zh-hans); an empty tag is CAP's default, en-US.
func normLang(l string) string {
	l = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(l), "_", "-"))
	if l == "" {
		return "en-us"
	}
	return l
}

func baseLang(l string) string {
	b, _, _ := strings.Cut(l, "-")
	return b
}

// ChooseLanguage returns the index in langs of the language to show to
// someone reading want: the same tag (case and "-"/"_" aside), else the
// first of the same base language (en-GB and en-CA are both en), else the
// first English one, else the first. An empty want skips the first two
// steps; an empty entry of langs is CAP's default, en-US. It returns -1
// for no langs.
func ChooseLanguage(langs []string, want string) int {
	if len(langs) == 0 {
		return -1
	}
	norm := make([]string, len(langs))
	for i, l := range langs {
		norm[i] = normLang(l)
	}
	if strings.TrimSpace(want) != "" {
		w := normLang(want)
		for i, l := range norm {
			if l == w {
				return i
			}
		}
		for i, l := range norm {
			if baseLang(l) == baseLang(w) {
				return i
			}
		}
	}
	for i, l := range norm {
		if baseLang(l) == "en" {
			return i
		}
	}
	return 0
}

// TextsOf returns the texts e carries under TextsKey, nil when it has
// none.
func (e *Event) TextsOf() []Texts {
	var out []Texts
	switch v := e.Properties[TextsKey].(type) {
	case []Texts:
		return v
	case []map[string]any:
		for _, m := range v {
			out = append(out, textsFrom(m))
		}
	case []any:
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				out = append(out, textsFrom(m))
			}
		}
	}
	return out
}

func textsFrom(m map[string]any) Texts {
	s := func(k string) string { v, _ := m[k].(string); return v }
	return Texts{Language: s("language"), Title: s("title"), Description: s("description"), Instruction: s("instruction")}
}

// Localized returns e with its title, description and the properties
// instruction and language in the language chosen for a reader of want
// (see ChooseLanguage), when e carries texts in several languages; e
// as it is otherwise. e's properties are not changed: the copy has its
// own map.
func (e Event) Localized(want string) Event {
	ts := e.TextsOf()
	if len(ts) == 0 {
		return e
	}
	langs := make([]string, len(ts))
	for i, t := range ts {
		langs[i] = t.Language
	}
	t := ts[ChooseLanguage(langs, want)]
	props := make(map[string]any, len(e.Properties))
	for k, v := range e.Properties {
		props[k] = v
	}
	e.Properties = props
	if t.Title != "" {
		e.Title = t.Title
	}
	e.Description = t.Description
	if t.Instruction != "" {
		props["instruction"] = t.Instruction
	} else {
		delete(props, "instruction")
	}
	if t.Language != "" {
		props["language"] = t.Language
	}
	return e
}
