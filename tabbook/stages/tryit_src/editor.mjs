// The exercise runner's code editor: CodeMirror 6 with what a short Python answer
// needs (highlighting, indentation, Tab/Shift-Tab, undo, bracket matching). Bundled by
// tabbook/stages/tryit.py (esbuild) into _static/tryit/editor.js, which static/tryit.js
// imports on the reader's first interaction with an exercise cell.
import {EditorState} from "@codemirror/state";
import {EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection} from "@codemirror/view";
import {defaultKeymap, history, historyKeymap, indentWithTab} from "@codemirror/commands";
import {indentOnInput, bracketMatching, syntaxHighlighting, defaultHighlightStyle,
        indentUnit} from "@codemirror/language";
import {python} from "@codemirror/lang-python";

// createEditor(parent, doc, {label, describedBy, onRun, onChange})
//   -> {view, get, set, focus, type}; type(text) inserts text at the end, the cursor after it
//   (what the reader typed on the code preview before the editor opened)
export function createEditor(parent, doc, options) {
  const opts = options || {};
  const run = () => { if (opts.onRun) opts.onRun(); return true; };
  const state = EditorState.create({
    doc,
    extensions: [
      lineNumbers(),
      history(),
      drawSelection(),
      highlightActiveLine(),
      indentOnInput(),
      bracketMatching(),
      indentUnit.of("    "),
      EditorState.tabSize.of(4),
      python(),
      syntaxHighlighting(defaultHighlightStyle, {fallback: true}),
      keymap.of([{key: "Mod-Enter", run}, {key: "Shift-Enter", run},
                 indentWithTab, ...defaultKeymap, ...historyKeymap]),
      EditorView.contentAttributes.of({
        "aria-label": opts.label || "Code",
        ...(opts.describedBy ? {"aria-describedby": opts.describedBy} : {}),
      }),
      // the page's own shortcuts ("/" focuses the search in Sphinx's doctools.js, which
      // counts a contenteditable as no text field) must not take the reader's keys
      EditorView.domEventHandlers({keydown: (event) => { event.stopPropagation(); return false; }}),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && opts.onChange) opts.onChange(u.state.doc.toString());
      }),
    ],
  });
  const view = new EditorView({state, parent});
  return {
    view,
    get: () => view.state.doc.toString(),
    set: (text) => view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}}),
    focus: () => view.focus(),
    type: (text) => {
      const end = view.state.doc.length;
      view.dispatch({changes: {from: end, insert: text},
                     selection: {anchor: end + text.length}, scrollIntoView: true});
    },
  };
}
