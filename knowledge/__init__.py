"""The policy knowledge base (reviewed YAML files under data/) and the question matcher."""
