// The article page: mark the claim the reader followed (named by the URL's #claim-START-END) apart from
// the others. CSS :target alone misses it when the link also carries a text directive (#…:~:text=…).
function markFollowed() {
  for (const old of document.querySelectorAll(".followed")) old.classList.remove("followed");
  const id = decodeURIComponent(window.location.hash.slice(1).split(":~:")[0]);
  const mark = id ? document.getElementById(id) : null;
  if (!mark) return;
  mark.classList.add("followed");
  document.getElementById(id.replace(/^claim-/, "item-"))?.classList.add("followed");
}
window.addEventListener("hashchange", markFollowed);
markFollowed();
