//! The cooperation network as files Gephi, Cytoscape or igraph open: GEXF 1.3 and GraphML, an
//! undirected graph whose nodes are organisations (`name`, `category` — the code —,
//! `category_label`) and edges links (`kind`, `intensity`, `observed_on`; GEXF's `weight` is the
//! intensity). Ids are the records' ids.

use std::fmt::Write as _;

use super::network::Network;
use super::xml::escape;

/// The network as GEXF 1.3 (<http://gexf.net/1.3>).
pub fn gexf(network: &Network) -> String {
    let mut x = String::with_capacity(256 + network.nodes.len() * 320 + network.edges.len() * 400);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    );
    let at = network.at.as_deref().map(|d| format!(" au {d}")).unwrap_or_default();
    let _ = writeln!(
        x,
        "  <meta>\n    <creator>Maillage</creator>\n    <description>{}</description>\n  </meta>",
        escape(&format!("Réseau de coopération{at}"))
    );
    x.push_str("  <graph mode=\"static\" defaultedgetype=\"undirected\">\n");
    x.push_str(
        "    <attributes class=\"node\">\n      <attribute id=\"name\" title=\"name\" type=\"string\"/>\n      \
         <attribute id=\"category\" title=\"category\" type=\"string\"/>\n      \
         <attribute id=\"category_label\" title=\"category_label\" type=\"string\"/>\n    </attributes>\n",
    );
    x.push_str(
        "    <attributes class=\"edge\">\n      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n      \
         <attribute id=\"intensity\" title=\"intensity\" type=\"integer\"/>\n      \
         <attribute id=\"observed_on\" title=\"observed_on\" type=\"string\"/>\n    </attributes>\n",
    );
    x.push_str("    <nodes>\n");
    for n in &network.nodes {
        let name = escape(&n.name);
        let _ = writeln!(
            x,
            "      <node id=\"{}\" label=\"{name}\">\n        <attvalues>\n          <attvalue for=\"name\" value=\"{name}\"/>\n          \
             <attvalue for=\"category\" value=\"{}\"/>\n          <attvalue for=\"category_label\" value=\"{}\"/>\n        \
             </attvalues>\n      </node>",
            n.organisation_id,
            n.category.code(),
            escape(n.category.label())
        );
    }
    x.push_str("    </nodes>\n    <edges>\n");
    for e in &network.edges {
        let _ = writeln!(
            x,
            "      <edge id=\"{}\" source=\"{}\" target=\"{}\" weight=\"{}\" label=\"{}\">\n        <attvalues>\n          \
             <attvalue for=\"kind\" value=\"{}\"/>\n          <attvalue for=\"intensity\" value=\"{}\"/>\n          \
             <attvalue for=\"observed_on\" value=\"{}\"/>\n        </attvalues>\n      </edge>",
            e.link_id,
            e.from_organisation_id,
            e.to_organisation_id,
            e.intensity,
            escape(e.kind.label()),
            e.kind.code(),
            e.intensity,
            escape(&e.observed_on)
        );
    }
    x.push_str("    </edges>\n  </graph>\n</gexf>\n");
    x
}

/// The network as GraphML (<http://graphml.graphdrawing.org/>).
pub fn graphml(network: &Network) -> String {
    let mut x = String::with_capacity(256 + network.nodes.len() * 280 + network.edges.len() * 300);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, on, ty) in [
        ("name", "node", "string"),
        ("category", "node", "string"),
        ("category_label", "node", "string"),
        ("kind", "edge", "string"),
        ("intensity", "edge", "int"),
        ("observed_on", "edge", "string"),
    ] {
        let _ = writeln!(x, "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{id}\" attr.type=\"{ty}\"/>");
    }
    x.push_str("  <graph id=\"cooperation\" edgedefault=\"undirected\">\n");
    for n in &network.nodes {
        let _ = writeln!(
            x,
            "    <node id=\"{}\">\n      <data key=\"name\">{}</data>\n      <data key=\"category\">{}</data>\n      \
             <data key=\"category_label\">{}</data>\n    </node>",
            n.organisation_id,
            escape(&n.name),
            n.category.code(),
            escape(n.category.label())
        );
    }
    for e in &network.edges {
        let _ = writeln!(
            x,
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">\n      <data key=\"kind\">{}</data>\n      \
             <data key=\"intensity\">{}</data>\n      <data key=\"observed_on\">{}</data>\n    </edge>",
            e.link_id,
            e.from_organisation_id,
            e.to_organisation_id,
            e.kind.code(),
            e.intensity,
            escape(&e.observed_on)
        );
    }
    x.push_str("  </graph>\n</graphml>\n");
    x
}
