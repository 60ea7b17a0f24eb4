//! Paged APIs walked page after page: `client.cc().search_business_pages(request)` is a `Stream` of every item
//! (`blocking`: an `Iterator`). The generated code says, per API, how its request asks for a page and where a
//! response has its items and total ([`Paging`]); the walk itself is here, shared by every paged API.
//!
//! The walk starts where the request points (its own `start` / `page`, else the first page), asks for pages of
//! the request's size capped at the doc's maximum (else the doc's maximum, else [`DEFAULT_PAGE_SIZE`]), and
//! stops at the total the last page reported, or (without a total) at an empty or short page. A server that
//! answers the same items again (it ignores `start`) ends the walk with [`Error::Paging`] rather than looping.

use futures_util::{Stream, StreamExt, stream};
use serde_json::{Map, Value};

use crate::wire::{Wire, lenient_int};
use crate::{Endpoint, Error};

/// Page size asked for when neither the request nor the doc gives one.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// How a paged API's request asks for one page: wire names of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRequest {
    /// An object of its own (CMDB: `page: {start, limit, sort}`); `start` counts items.
    PageObject {
        /// The object's field in the request (`page`).
        field: &'static str,
        /// Its offset field (`start`).
        start: &'static str,
        /// Its size field (`limit`).
        limit: &'static str,
    },
    /// Offset and size beside the other parameters (JOB: `start` / `length`).
    Offset {
        /// The offset field (`start`).
        start: &'static str,
        /// The size field (`length`).
        limit: &'static str,
    },
    /// Numbered pages (`page` / `page_size`); numbering starts at 1 unless the request says otherwise.
    PageNumber {
        /// The page number field (`page`).
        page: &'static str,
        /// The size field (`page_size`).
        size: &'static str,
    },
}

/// What the generated code tells the walk about one paged API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// How the request asks for a page.
    pub request: PageRequest,
    /// Wire name of the response's list of items (`info`, `data`).
    pub items: &'static str,
    /// Wire name of the response's total count (`count`, `total`), when it has one.
    pub total: Option<&'static str>,
    /// The largest page the doc allows (`最大500`), when it says.
    pub max_page_size: Option<u64>,
}

/// An API whose request asks for one page and whose response is one page of items. Generated.
pub trait Paged: Endpoint + 'static {
    /// One item of a page.
    type Item: Wire + 'static;
    /// Where the page is asked for and found.
    const PAGING: Paging;
}

/// Where a walk is: the request of the next page, and what the pages so far said.
#[derive(Debug)]
pub(crate) struct Walk {
    api: &'static str,
    paging: Paging,
    request: Map<String, Value>,
    /// Items before the next page.
    offset: u64,
    /// Number of the next page (numbered pages).
    number: u64,
    size: u64,
    pages: u32,
    /// The items of the page before, to notice a server that answers the same page again.
    previous: Option<Value>,
    done: bool,
}

impl Walk {
    /// A walk from where `request` points.
    pub(crate) fn new<E: Paged>(request: &E::Request) -> Result<Walk, Error> {
        let paging = E::PAGING;
        let Value::Object(request) = request.to_wire() else {
            let message = "its type does not serialize to a JSON object".to_string();
            return Err(Error::InvalidRequest { api: E::ID, message });
        };
        let read = |path: &[&str]| {
            let (first, rest) = path.split_first()?;
            let value = rest.iter().try_fold(request.get(*first)?, |v, key| v.get(key))?;
            lenient_int(value.clone()).ok().flatten().and_then(|n| u64::try_from(n).ok())
        };
        let (start, size) = match paging.request {
            PageRequest::PageObject { field, start, limit } => (read(&[field, start]), read(&[field, limit])),
            PageRequest::Offset { start, limit } => (read(&[start]), read(&[limit])),
            PageRequest::PageNumber { page, size } => (read(&[page]), read(&[size])),
        };
        let asked = size.filter(|s| *s > 0);
        let size = match (asked, paging.max_page_size) {
            (Some(asked), Some(max)) => asked.min(max),
            (Some(asked), None) => asked,
            (None, max) => max.unwrap_or(DEFAULT_PAGE_SIZE),
        };
        let (offset, number) = match paging.request {
            PageRequest::PageNumber { .. } => {
                let number = start.unwrap_or(1);
                (number.saturating_sub(1).saturating_mul(size), number)
            }
            _ => (start.unwrap_or(0), 0),
        };
        Ok(Walk { api: E::ID, paging, request, offset, number, size, pages: 0, previous: None, done: false })
    }

    /// The request of the next page; `None` once the walk is over.
    pub(crate) fn next_request<E: Paged>(&self) -> Option<Result<E::Request, Error>> {
        if self.done {
            return None;
        }
        let mut request = self.request.clone();
        let number = |n: u64| Value::from(n);
        match self.paging.request {
            PageRequest::PageObject { field, start, limit } => {
                let page = request.entry(field).or_insert_with(|| Value::Object(Map::new()));
                if !page.is_object() {
                    *page = Value::Object(Map::new());
                }
                if let Value::Object(page) = page {
                    page.insert(start.into(), number(self.offset));
                    page.insert(limit.into(), number(self.size));
                }
            }
            PageRequest::Offset { start, limit } => {
                request.insert(start.into(), number(self.offset));
                request.insert(limit.into(), number(self.size));
            }
            PageRequest::PageNumber { page, size } => {
                request.insert(page.into(), number(self.number));
                request.insert(size.into(), number(self.size));
            }
        }
        Some(E::Request::from_wire(Value::Object(request)).map_err(|e| {
            let message = format!("cannot ask for page {}: {} at `{}`", self.pages + 1, e.message(), e.path());
            Error::InvalidRequest { api: self.api, message }
        }))
    }

    /// Takes one page's answer: its items, and where the next page starts (or that there is none).
    pub(crate) fn take<E: Paged>(&mut self, response: &E::Response) -> Result<Vec<E::Item>, Error> {
        self.pages += 1;
        let page = response.to_wire();
        let items = match page.get(self.paging.items) {
            None | Some(Value::Null) => Value::Array(Vec::new()),
            Some(items) => items.clone(),
        };
        let total = self
            .paging
            .total
            .and_then(|key| page.get(key).cloned())
            .and_then(|v| lenient_int(v).ok().flatten())
            .map(|t| u64::try_from(t).unwrap_or(0));
        let decoded = Vec::<E::Item>::from_wire(items.clone()).map_err(|e| Error::Decode {
            api: self.api,
            path: format!("data.{}{}", self.paging.items, shown_path(&e.path())),
            message: e.message().to_string(),
            body: crate::scrub::excerpt(&items.to_string(), &crate::scrub::Secrets::default()),
        })?;
        let count = decoded.len() as u64;
        if count == 0 {
            self.done = true;
            return Ok(decoded);
        }
        if self.previous.as_ref() == Some(&items) {
            self.done = true;
            return Err(self.failure(format!(
                "the server sent the same {count} items as for the page before: it ignores the page asked for"
            )));
        }
        self.offset = self.offset.saturating_add(count);
        self.number = self.number.saturating_add(1);
        match total {
            Some(total) if self.offset >= total => self.done = true,
            Some(total) if count < self.size && matches!(self.paging.request, PageRequest::PageNumber { .. }) => {
                self.done = true;
                return Err(self.failure(format!(
                    "the server sent {count} items for a page of {} with {} more to come: it pages by fewer; \
                     ask for pages of at most {count}",
                    self.size,
                    total - self.offset
                )));
            }
            Some(_) => {}
            None => self.done = count < self.size,
        }
        self.previous = Some(items);
        Ok(decoded)
    }

    fn failure(&self, reason: String) -> Error {
        Error::Paging { api: self.api, page: self.pages, reason }
    }
}

impl crate::Client {
    /// Every item of a paged API, page after page, as a stream (see the [module](self) for where the walk
    /// starts and stops). Generated `…_pages` methods call this. A failing page ends the stream with its error,
    /// after the items of the pages before.
    pub fn pages<E: Paged>(&self, request: E::Request) -> impl Stream<Item = Result<E::Item, Error>> + '_ {
        let walk = Walk::new::<E>(&request);
        stream::unfold(Some(walk), move |walk| async move {
            let mut walk = match walk? {
                Ok(walk) => walk,
                Err(e) => return Some((Err(e), None)),
            };
            let page = match walk.next_request::<E>()? {
                Ok(request) => self.call::<E>(request).await.and_then(|response| walk.take::<E>(&response)),
                Err(e) => Err(e),
            };
            Some(match page {
                Ok(items) => (Ok(items), Some(Ok(walk))),
                Err(e) => (Err(e), None),
            })
        })
        .flat_map(|page| {
            stream::iter(match page {
                Ok(items) => items.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
        })
    }
}

fn shown_path(path: &str) -> String {
    match path {
        "" => String::new(),
        p if p.starts_with('[') => p.to_string(),
        p => format!(".{p}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Numbered;
    impl Endpoint for Numbered {
        type Request = Value;
        type Response = Value;
        const SYSTEM: &'static str = "demo";
        const NAME: &'static str = "list";
        const ID: &'static str = "demo.list";
        const METHOD: crate::Method = crate::Method::Post;
        const PATH: &'static str = "/list/";
        const FLAVOR: crate::Flavor = crate::Flavor::Esb;
        const PATH_PARAMS: &'static [&'static str] = &[];
        const QUERY_PARAMS: &'static [&'static str] = &[];
    }
    impl Paged for Numbered {
        type Item = i64;
        const PAGING: Paging = Paging {
            request: PageRequest::PageNumber { page: "page", size: "page_size" },
            items: "list",
            total: Some("total"),
            max_page_size: Some(50),
        };
    }

    #[test]
    fn numbered_pages_start_at_the_requests_page_and_cap_its_size() {
        let walk = Walk::new::<Numbered>(&serde_json::json!({"page": 3, "page_size": 500, "x": 1}));
        let Some(Ok(first)) = walk.as_ref().ok().and_then(|w| w.next_request::<Numbered>()) else {
            panic!("no first request: {walk:?}")
        };
        assert_eq!(first.get("page"), Some(&Value::from(3)));
        assert_eq!(first.get("page_size"), Some(&Value::from(50)), "capped at the doc's maximum");
        assert_eq!(first.get("x"), Some(&Value::from(1)), "the other parameters are kept");
    }

    #[test]
    fn a_short_numbered_page_before_the_total_is_an_error_not_a_gap() {
        let Ok(mut walk) = Walk::new::<Numbered>(&serde_json::json!({"page_size": 10})) else { panic!("walk") };
        let page = serde_json::json!({"list": [1, 2, 3], "total": 30});
        let error = walk.take::<Numbered>(&page).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("ask for pages of at most 3"), "{error}");
        assert!(walk.next_request::<Numbered>().is_none());
    }

    struct Untotalled;
    impl Endpoint for Untotalled {
        type Request = Value;
        type Response = Value;
        const SYSTEM: &'static str = "demo";
        const NAME: &'static str = "scan";
        const ID: &'static str = "demo.scan";
        const METHOD: crate::Method = crate::Method::Post;
        const PATH: &'static str = "/scan/";
        const FLAVOR: crate::Flavor = crate::Flavor::Esb;
        const PATH_PARAMS: &'static [&'static str] = &[];
        const QUERY_PARAMS: &'static [&'static str] = &[];
    }
    impl Paged for Untotalled {
        type Item = i64;
        const PAGING: Paging = Paging {
            request: PageRequest::Offset { start: "start", limit: "length" },
            items: "data",
            total: None,
            max_page_size: None,
        };
    }

    fn offset_of(request: Option<Result<Value, Error>>) -> Option<Value> {
        request.and_then(Result::ok).map(|r| r["start"].clone())
    }

    #[test]
    fn without_a_total_a_short_page_is_the_last() {
        let Ok(mut walk) = Walk::new::<Untotalled>(&serde_json::json!({"length": 2})) else { panic!("walk") };
        assert_eq!(offset_of(walk.next_request::<Untotalled>()), Some(Value::from(0)));
        assert_eq!(walk.take::<Untotalled>(&serde_json::json!({"data": [1, 2]})).ok(), Some(vec![1, 2]));
        assert_eq!(offset_of(walk.next_request::<Untotalled>()), Some(Value::from(2)));
        assert_eq!(walk.take::<Untotalled>(&serde_json::json!({"data": [3]})).ok(), Some(vec![3]));
        assert!(walk.next_request::<Untotalled>().is_none(), "a page of 1 for 2 asked ends it");
    }

    #[test]
    fn without_a_total_a_repeated_page_ends_the_walk() {
        let Ok(mut walk) = Walk::new::<Untotalled>(&serde_json::json!({})) else { panic!("walk") };
        let full: Vec<i64> = (0..100).collect();
        let page = serde_json::json!({ "data": full });
        assert_eq!(walk.take::<Untotalled>(&page).map(|v| v.len()).ok(), Some(100), "DEFAULT_PAGE_SIZE asked");
        let error = walk.take::<Untotalled>(&page).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("demo.scan: page 2") && error.contains("ignores the page"), "{error}");
        assert!(walk.next_request::<Untotalled>().is_none());
    }

    #[test]
    fn items_that_do_not_fit_are_a_decode_error_with_their_path() {
        let Ok(mut walk) = Walk::new::<Untotalled>(&serde_json::json!({})) else { panic!("walk") };
        let error = walk.take::<Untotalled>(&serde_json::json!({"data": [1, "x"]})).err();
        let Some(Error::Decode { path, .. }) = error else { panic!("{error:?}") };
        assert_eq!(path, "data.data[1]");
    }
}
