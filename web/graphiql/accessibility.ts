/**
 * What GraphiQL 4 leaves out for assistive technology, added to its DOM as it renders (axe-core
 * checks the page in test/web/graphiql.test.ts):
 * - CodeMirror's hidden <textarea>s (where the keyboard types) get a name per editor;
 * - an editor's scroll area becomes a keyboard stop, so a long response can be scrolled without a mouse;
 * - an operation tab is a <li role="tab"> wrapping a <button>, an interactive control inside
 *   another: the role moves to the button (which is what takes focus and clicks).
 */
function editorName(editor: Element): string {
  if (editor.closest('.graphiql-query-editor')) return 'Query editor';
  if (editor.closest('.result-window')) return 'Response';
  const tool = editor.closest('.graphiql-editor-tool');
  const wrapper = editor.closest('.graphiql-editor');
  if (tool && wrapper) {
    const index = Array.from(tool.querySelectorAll('.graphiql-editor')).indexOf(wrapper);
    return index === 0 ? 'Variables editor' : 'Headers editor';
  }
  return 'Editor';
}

function setIfChanged(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function repair(root: Element): void {
  for (const editor of root.querySelectorAll('.CodeMirror')) {
    const name = editorName(editor);
    const input = editor.querySelector('textarea');
    if (input) setIfChanged(input, 'aria-label', name);
    const scroll = editor.querySelector('.CodeMirror-scroll');
    if (scroll) {
      setIfChanged(scroll, 'tabindex', '0');
      setIfChanged(scroll, 'role', 'group');
      setIfChanged(scroll, 'aria-label', `${name}, scroll area`);
    }
  }
  for (const tab of root.querySelectorAll('.graphiql-tab')) {
    const button = tab.querySelector('.graphiql-tab-button');
    if (!button) continue;
    setIfChanged(tab, 'role', 'presentation');
    if (tab.hasAttribute('aria-selected')) tab.removeAttribute('aria-selected');
    setIfChanged(button, 'role', 'tab');
    setIfChanged(button, 'aria-selected', String(tab.classList.contains('graphiql-tab-active')));
  }
}

/** Keeps `root`'s GraphiQL repaired as React and CodeMirror change it. */
export function watchAccessibility(root: Element): void {
  let scheduled = false;
  const run = () => {
    scheduled = false;
    repair(root);
  };
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(run);
  }).observe(root, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['class', 'aria-selected'],
  });
  repair(root);
}
