// The dashboard's router over the History API. Pages register a path pattern and a view with page();
// the home page is the view of every other path (the service answers "/" and "/jobs/{id}" with this
// page, so links survive a reload). navigate() and links marked data-nav change the page without a
// reload; each view gets an AbortSignal that stops its polling and streams when it goes. Imports no
// page: pages import it, so there is no cycle.
const routes = [];
let home = null;
let current = null;
let main = null;

// A page: view(main, match, signal) for a path that matches pattern (a RegExp; match holds its groups).
export function page(pattern, view) {
  routes.push({ pattern, view });
}

// The page of every path no other page claims.
export function homePage(view) {
  home = view;
}

export function navigate(url) {
  history.pushState(null, '', url);
  route();
}

// Shows the current path's page again (after the API key changed, say).
export function route() {
  current?.abort();
  current = new AbortController();
  const { signal } = current;
  window.scrollTo(0, 0);
  for (const { pattern, view } of routes) {
    const match = location.pathname.match(pattern);
    if (match) {
      view(main, match, signal);
      return;
    }
  }
  home(main, signal);
}

// Starts routing into the element: in-page links, the back and forward buttons, then the current path.
export function start(element) {
  main = element;
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-nav]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', route);
  route();
}
